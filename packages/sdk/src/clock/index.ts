export type * from "./clock.ts";
