// Renders a schema node as the OpenAPI v3 subset a structural CRD schema allows.
import type { CelRule, SchemaNode } from "../../src/schema/builder.ts";

export type JsonSchema = Record<string, unknown>;

function renderRules(rules: readonly CelRule[] | undefined): JsonSchema {
  if (!rules || rules.length === 0) return {};
  return {
    "x-kubernetes-validations": rules.map((r) => ({
      rule: r.rule,
      message: r.message,
      ...(r.fieldPath ? { fieldPath: r.fieldPath } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  };
}

export function toOpenApi(node: SchemaNode): JsonSchema {
  const common: JsonSchema = { description: node.description };
  if (node.default !== undefined) common.default = node.default;
  if (node.nullable) common.nullable = true;
  switch (node.type) {
    case "string":
      return {
        ...common,
        type: "string",
        ...(node.enum ? { enum: [...node.enum] } : {}),
        ...(node.format ? { format: node.format } : {}),
        ...(node.pattern ? { pattern: node.pattern } : {}),
        ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
        ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
        ...renderRules(node.rules),
      };
    case "integer":
      return {
        ...common,
        type: "integer",
        format: node.format,
        ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
        ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
        ...renderRules(node.rules),
      };
    case "boolean":
      return { ...common, type: "boolean", ...renderRules(node.rules) };
    case "int-or-string":
      return {
        ...common,
        "x-kubernetes-int-or-string": true,
        ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
        ...renderRules(node.rules),
      };
    case "array":
      return {
        ...common,
        type: "array",
        items: toOpenApi(node.items),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.maxItems !== undefined ? { maxItems: node.maxItems } : {}),
        ...(node.listType ? { "x-kubernetes-list-type": node.listType } : {}),
        ...(node.listMapKeys ? { "x-kubernetes-list-map-keys": [...node.listMapKeys] } : {}),
        ...renderRules(node.rules),
      };
    case "map":
      return {
        ...common,
        type: "object",
        additionalProperties: toOpenApi(node.values),
        ...(node.maxProperties !== undefined ? { maxProperties: node.maxProperties } : {}),
        ...renderRules(node.rules),
      };
    case "object": {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, child] of Object.entries(node.properties)) properties[name] = toOpenApi(child);
      return {
        ...common,
        type: "object",
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
        ...(node.required && node.required.length > 0 ? { required: [...node.required] } : {}),
        ...(node.maxProperties !== undefined ? { maxProperties: node.maxProperties } : {}),
        ...(node.preserveUnknownFields ? { "x-kubernetes-preserve-unknown-fields": true } : {}),
        ...(node.embeddedResource ? { "x-kubernetes-embedded-resource": true } : {}),
        ...renderRules(node.rules),
      };
    }
  }
}
