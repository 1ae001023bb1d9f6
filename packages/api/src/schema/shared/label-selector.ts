import { array, enumOf, object, type ObjectNode } from "../builder.ts";
import { labelKey, labelMap as checkedLabelMap, labelValue } from "./label-syntax.ts";

// Bounds keep CEL rules that walk a selector within the apiserver's cost budget; keys and values are checked
// with Kubernetes' own syntax (label-syntax.ts).
const LABEL_KEY = labelKey("A label key.");
const LABEL_VALUE = labelValue("A label value.");

const labelMap = (description: string) => checkedLabelMap(description, { maxProperties: 64 });

/** metav1.LabelSelector. */
export function labelSelector(description: string): ObjectNode {
  return object(
    description,
    {
      matchLabels: labelMap(
        "A map of {key,value} pairs. Each pair is equivalent to a matchExpressions element whose key is the pair's key, " +
          'operator is "In" and values holds only the value. All the requirements are ANDed.',
      ),
      matchExpressions: array(
        "A list of label selector requirements. The requirements are ANDed.",
        object(
          "A selector requirement: a key, an operator, and values.",
          {
            key: { ...LABEL_KEY, description: "The label key that the selector applies to." },
            operator: enumOf("How the key relates to the values.", ["In", "NotIn", "Exists", "DoesNotExist"]),
            values: array(
              "The values for In and NotIn (must be non-empty); must be empty for Exists and DoesNotExist.",
              LABEL_VALUE,
              { maxItems: 64 },
            ),
          },
          { required: ["key", "operator"], tsName: "LabelSelectorRequirement" },
        ),
        { maxItems: 32 },
      ),
    },
    { tsExternal: { name: "LabelSelector", module: "meta/v1" }, tsName: "LabelSelector" },
  );
}

/** A workload's pod selector: required, non-empty, and fixed after creation (OpenKruise's webhook rules). */
export function podSelector(kindName: string): ObjectNode {
  const base = labelSelector(
    `A label query over the pods this ${kindName} manages. It must match the pod template's labels and cannot ` +
      "change after creation. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  );
  return {
    ...base,
    rules: [
      {
        rule: "(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
        message: `an empty selector would select every pod in the namespace; set matchLabels or matchExpressions`,
        reason: "FieldValueRequired",
      },
      {
        rule: "self == oldSelf",
        message: `the selector of a ${kindName} is immutable; delete and recreate the ${kindName} to change it`,
      },
    ],
  };
}
