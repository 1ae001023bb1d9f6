export { goJson } from "./go-json.ts";
export { canonicalQuantity } from "./quantity.ts";
export { typedJson, typedPodTemplate, typedSubsetTemplate } from "./typed-encoding.ts";
export { defaultPodTemplate, defaultVolumeClaimTemplate, imageTag } from "./pod-template-defaults.ts";
