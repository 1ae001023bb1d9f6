export { formatKubeTime, parseKubeTime } from "./time.ts";
export { MAX_INT32 } from "./int32.ts";
export { canonicalJson, jsonEqual } from "./json.ts";
export { controllerOf, controllerRef } from "./owner.ts";
