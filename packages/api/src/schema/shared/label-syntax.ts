import { map, string, type CelRule, type MapNode, type StringNode } from "../builder.ts";

// Label keys and values as Kubernetes validates them (IsQualifiedName, IsValidLabelValue). A key or value that
// breaks these rules is accepted by a schemaless template but refused on every pod, ControllerRevision or
// selector built from it, so a controller could never act on it: they are refused at admission instead.

/** The optional DNS-subdomain prefix and "/" of a label key. */
const PREFIX = "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?";
/** The name part: at most 63 characters, alphanumeric at both ends, `-`, `_` and `.` inside. */
const NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
export const LABEL_KEY_PATTERN = `^${PREFIX}${NAME}$`;
export const LABEL_VALUE_PATTERN = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

/** Kubernetes' own bounds: 253 (prefix) + "/" + 63 (name); values 63. They also keep CEL costs bounded. */
export const LABEL_KEY_MAX = 317;
export const LABEL_VALUE_MAX = 63;

const KEY_MESSAGE =
  "must be a valid label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'app' or 'example.com/tier')";
const VALUE_MESSAGE =
  "must be a valid label value: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** CEL: `expr` (a string) is a valid label key. */
export function isLabelKey(expr: string): string {
  return `(${expr}.matches('${LABEL_KEY_PATTERN}') && (${expr}.indexOf('/') < 0 || ${expr}.indexOf('/') <= 253))`;
}

/** A string field holding a label key. */
export function labelKey(description: string): StringNode {
  return string(description, {
    minLength: 1,
    maxLength: LABEL_KEY_MAX,
    rules: [{ rule: isLabelKey("self"), message: KEY_MESSAGE }],
  });
}

/** A string field holding a label value. */
export function labelValue(description: string): StringNode {
  return string(description, {
    maxLength: LABEL_VALUE_MAX,
    rules: [{ rule: `self.matches('${LABEL_VALUE_PATTERN}')`, message: VALUE_MESSAGE }],
  });
}

/** The rule for a map whose keys are label keys. */
export function labelKeysRule(): CelRule {
  return { rule: `self.all(k, ${isLabelKey("k")})`, message: `every key ${KEY_MESSAGE}` };
}

/** A map of labels: keys and values checked as Kubernetes checks them. */
export function labelMap(description: string, opts: { maxProperties?: number } = {}): MapNode {
  return map(description, labelValue("A label value."), { ...opts, rules: [labelKeysRule()] });
}
