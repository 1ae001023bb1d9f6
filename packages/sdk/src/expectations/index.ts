export { ScaleExpectations } from "./scale-expectations.ts";
export type { ExpectationsOptions } from "./expectations-base.ts";
export { ResourceVersionExpectations } from "./resource-version-expectations.ts";
export { createControllerExpectations } from "./controller-expectations.ts";
export type { ControllerExpectations } from "./controller-expectations.ts";
