export { goJson } from "./go-json.ts";
export { canonicalQuantity } from "./quantity.ts";
export { typedPodTemplate } from "./typed-encoding.ts";
export { defaultPodTemplate, imageTag } from "./pod-template-defaults.ts";
