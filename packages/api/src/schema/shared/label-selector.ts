import { array, enumOf, map, object, string, type ObjectNode, type StringNode } from "../builder.ts";
import {
  LABEL_KEY_MAX,
  LABEL_VALUE_MAX,
  labelKey,
  labelMap as checkedLabelMap,
  labelValue,
} from "./label-syntax.ts";

// Bounds keep CEL rules that walk a selector within the apiserver's cost budget. A workload's own selector has
// its keys and values checked with Kubernetes' syntax (label-syntax.ts); the many selectors nested in priority
// rules only have the length bounds, since checking them all would exceed the CRD's total CEL cost budget.
interface SelectorParts {
  key: StringNode;
  value: StringNode;
  labels: (description: string) => ObjectNode | ReturnType<typeof map>;
}
const CHECKED: SelectorParts = {
  key: labelKey("A label key."),
  value: labelValue("A label value."),
  labels: (description) => checkedLabelMap(description, { maxProperties: 64 }),
};
const BOUNDED: SelectorParts = {
  key: string("A label key.", { maxLength: LABEL_KEY_MAX }),
  value: string("A label value.", { maxLength: LABEL_VALUE_MAX }),
  labels: (description) =>
    map(description, string("A label value.", { maxLength: LABEL_VALUE_MAX }), { maxProperties: 64 }),
};

/** metav1.LabelSelector. `checked` adds label syntax rules (for a workload's own selector). */
export function labelSelector(description: string, checked = false): ObjectNode {
  const { key: LABEL_KEY, value: LABEL_VALUE, labels: labelMap } = checked ? CHECKED : BOUNDED;
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
    true,
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
