// A small schema builder: each CRD field is written once, with its description, default and CEL rules.
// The same node feeds the CRD manifest (OpenAPI v3), the TypeScript types and the in-memory defaulter,
// so the three can never disagree.

/** A CEL rule, rendered as one `x-kubernetes-validations` entry. */
export interface CelRule {
  readonly rule: string;
  /** Says, in the user's words, which field is wrong and why. */
  readonly message: string;
  /** Where the apiserver reports the error, relative to the node carrying the rule (e.g. ".selector"). */
  readonly fieldPath?: string;
  readonly reason?:
    "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
}

/** A core Kubernetes type the TypeScript output imports from `kubernetes-types` instead of generating. */
export interface ExternalType {
  readonly name: string;
  /** Module path inside kubernetes-types, e.g. "core/v1". */
  readonly module: string;
}

interface NodeCommon {
  readonly description: string;
  readonly default?: unknown;
  readonly rules?: readonly CelRule[];
  readonly nullable?: boolean;
  /** Name of the TypeScript interface generated for this object (objects only). */
  readonly tsName?: string;
  /** Use an imported type in the TypeScript output instead of the generated shape. */
  readonly tsExternal?: ExternalType;
}

export interface StringNode extends NodeCommon {
  readonly type: "string";
  readonly enum?: readonly string[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface IntegerNode extends NodeCommon {
  readonly type: "integer";
  readonly format: "int32" | "int64";
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface BooleanNode extends NodeCommon {
  readonly type: "boolean";
}

export interface IntOrStringNode extends NodeCommon {
  readonly type: "int-or-string";
  /** Bounds string values, so CEL rules that match them stay within the cost budget. */
  readonly maxLength?: number;
}

export interface ArrayNode extends NodeCommon {
  readonly type: "array";
  readonly items: SchemaNode;
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly listType?: "atomic" | "set" | "map";
  readonly listMapKeys?: readonly string[];
}

export interface ObjectNode extends NodeCommon {
  readonly type: "object";
  readonly properties: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  /** Keep fields the schema does not declare (pod templates and other core types OpenKruise stores schemaless). */
  readonly preserveUnknownFields?: boolean;
  readonly embeddedResource?: boolean;
  readonly maxProperties?: number;
  /**
   * TypeScript only: the generated interface extends this named object's interface, and the properties it holds
   * under the same names are written there once. The schema (CRD, defaults) still takes them from `properties`.
   */
  readonly tsExtends?: ObjectNode;
}

export interface MapNode extends NodeCommon {
  readonly type: "map";
  readonly values: SchemaNode;
  readonly maxProperties?: number;
}

export type SchemaNode =
  StringNode | IntegerNode | BooleanNode | IntOrStringNode | ArrayNode | ObjectNode | MapNode;

type Options<N> = Partial<Omit<N, "type" | "description">>;

export function string(description: string, opts: Options<StringNode> = {}): StringNode {
  return { type: "string", description, ...opts };
}

/** A string limited to `values`; the apiserver answers anything else with "Unsupported value". */
export function enumOf<const V extends string>(
  description: string,
  values: readonly V[],
  opts: Options<StringNode> = {},
): StringNode {
  return { type: "string", description, enum: values, ...opts };
}

export function int32(description: string, opts: Options<IntegerNode> = {}): IntegerNode {
  return { type: "integer", format: "int32", description, ...opts };
}

export function int64(description: string, opts: Options<IntegerNode> = {}): IntegerNode {
  return { type: "integer", format: "int64", description, ...opts };
}

export function bool(description: string, opts: Options<BooleanNode> = {}): BooleanNode {
  return { type: "boolean", description, ...opts };
}

export function intOrString(description: string, opts: Options<IntOrStringNode> = {}): IntOrStringNode {
  return { type: "int-or-string", description, ...opts };
}

export function array(description: string, items: SchemaNode, opts: Options<ArrayNode> = {}): ArrayNode {
  return { type: "array", description, items, ...opts };
}

export function object(
  description: string,
  properties: Record<string, SchemaNode>,
  opts: Options<ObjectNode> = {},
): ObjectNode {
  return { type: "object", description, properties, ...opts };
}

/** A schemaless object: everything is kept, nothing is validated (like OpenKruise's `Schemaless` fields). */
export function freeform(description: string, opts: Options<ObjectNode> = {}): ObjectNode {
  return { type: "object", description, properties: {}, preserveUnknownFields: true, ...opts };
}

export function map(description: string, values: SchemaNode, opts: Options<MapNode> = {}): MapNode {
  return { type: "map", description, values, ...opts };
}

/**
 * The node's shape only: no defaults and no CEL rules anywhere below it. Used where OpenKruise embeds
 * a whole spec (a UnitedDeployment's CloneSet template) but its webhook neither defaults nor validates it there.
 */
export function shapeOnly<N extends SchemaNode>(node: N): N {
  const { default: _default, rules: _rules, ...rest } = node as N & NodeCommon;
  switch (node.type) {
    case "object": {
      const properties: Record<string, SchemaNode> = {};
      for (const [name, child] of Object.entries(node.properties)) properties[name] = shapeOnly(child);
      return { ...rest, properties } as unknown as N;
    }
    case "array":
      return { ...rest, items: shapeOnly(node.items) } as unknown as N;
    case "map":
      return { ...rest, values: shapeOnly(node.values) } as unknown as N;
    default:
      return rest as unknown as N;
  }
}
