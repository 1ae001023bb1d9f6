import { array, int32, object, type ArrayNode, type ObjectNode } from "../builder.ts";
import { labelSelector } from "./label-selector.ts";
import { labelKey, labelValue } from "./label-syntax.ts";

/** pub.UpdatePriorityStrategy: weight rules or ordered label keys, never both. */
export function updatePriorityStrategy(description: string): ObjectNode {
  return object(
    description,
    {
      weightPriority: array(
        "Weight rules: a pod's priority is the sum of the weights of the rules whose selector matches it; higher goes first.",
        object(
          "A weight given to the pods a selector matches.",
          {
            weight: int32("Weight added to matching pods, from 0 to 100.", { minimum: 0, maximum: 100 }),
            matchSelector: labelSelector("Pods this weight applies to."),
          },
          { required: ["weight", "matchSelector"], tsName: "UpdatePriorityWeightTerm" },
        ),
        { maxItems: 64 },
      ),
      orderPriority: array(
        "Ordered label keys: the first key a pod has decides its level, then the integer at the end of the label value (higher first).",
        object(
          "A label key whose value orders pods.",
          { orderedKey: labelKey("Label key to order pods by.") },
          { required: ["orderedKey"], tsName: "UpdatePriorityOrderTerm" },
        ),
        { maxItems: 64 },
      ),
    },
    {
      tsName: "UpdatePriorityStrategy",
      rules: [
        {
          rule: "!(has(self.weightPriority) && size(self.weightPriority) > 0 && has(self.orderPriority) && size(self.orderPriority) > 0)",
          message: "use either weightPriority or orderPriority, not both",
        },
      ],
    },
  );
}

/** UpdateScatterStrategy: label key/value pairs whose pods are spread evenly over the update order. */
export function updateScatterStrategy(description: string): ArrayNode {
  return array(
    description,
    object(
      "Pods having this label key and value are spread across the update order.",
      {
        key: labelKey("Label key."),
        value: { ...labelValue("Label value."), minLength: 1 },
      },
      { required: ["key", "value"], tsName: "UpdateScatterTerm" },
    ),
    { listType: "map", listMapKeys: ["key", "value"], maxItems: 64 },
  );
}

/** pub.InPlaceUpdateStrategy. */
export function inPlaceUpdateStrategy(description: string): ObjectNode {
  return object(
    description,
    {
      gracePeriodSeconds: int32(
        "Seconds between marking the pod not ready (InPlaceUpdateReady=False) and updating its images in place, " +
          "so traffic can drain first. Defaults to 0.",
        { minimum: 0 },
      ),
    },
    { tsName: "InPlaceUpdateStrategy" },
  );
}
