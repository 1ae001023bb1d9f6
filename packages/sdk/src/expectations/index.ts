export { ScaleExpectations } from "./scale-expectations.ts";
export type { ExpectationsOptions } from "./scale-expectations.ts";
export { ResourceVersionExpectations } from "./resource-version-expectations.ts";
