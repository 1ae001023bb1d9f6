export * from "./int-or-string.ts";
export * from "./partition.ts";
