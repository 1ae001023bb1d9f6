import { array, enumOf, map, object, string, type ObjectNode } from "../builder.ts";

// Bounds keep CEL rules that walk a selector within the apiserver's cost budget. They are the limits
// Kubernetes itself puts on label keys (317 = 253 prefix + "/" + 63 name) and values (63).
const LABEL_KEY = string("A label key.", { maxLength: 317 });
const LABEL_VALUE = string("A label value.", { maxLength: 63 });

const labelMap = (description: string) => map(description, LABEL_VALUE, { maxProperties: 64 });

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
