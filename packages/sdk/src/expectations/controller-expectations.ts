import { ResourceVersionExpectations } from "./resource-version-expectations.ts";
import { ScaleExpectations } from "./scale-expectations.ts";
import type { ExpectationsOptions } from "./expectations-base.ts";

/**
 * The two expectations a controller that writes its children keeps: the creates and deletes its cache has not
 * shown yet (by owner key), and the resourceVersions it wrote (by child UID). The shape `owns(kind, { expectations })`
 * feeds.
 */
export interface ControllerExpectations {
  readonly scale: ScaleExpectations;
  readonly versions: ResourceVersionExpectations;
}

/** Both expectations, labelled with one name (`expectations_oldest_unsatisfied_seconds{name}`). */
export function createControllerExpectations(options: ExpectationsOptions): ControllerExpectations {
  return { scale: new ScaleExpectations(options), versions: new ResourceVersionExpectations(options) };
}
