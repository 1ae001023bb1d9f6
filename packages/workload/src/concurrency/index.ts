export * from "./bounded.ts";
