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

/** The keywords that are set: an optional keyword is left out rather than written empty. */
function setOnly(keywords: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(keywords).filter(([, value]) => value !== undefined));
}

/** A list keyword, copied; left out when absent (or, with `omitEmpty`, when empty). */
function listOf(values: readonly string[] | undefined, omitEmpty = false): string[] | undefined {
  return values && !(omitEmpty && values.length === 0) ? [...values] : undefined;
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
        ...setOnly({
          enum: listOf(node.enum),
          format: node.format || undefined,
          pattern: node.pattern || undefined,
          minLength: node.minLength,
          maxLength: node.maxLength,
        }),
        ...renderRules(node.rules),
      };
    case "integer":
      return {
        ...common,
        type: "integer",
        format: node.format,
        ...setOnly({ minimum: node.minimum, maximum: node.maximum }),
        ...renderRules(node.rules),
      };
    case "boolean":
      return { ...common, type: "boolean", ...renderRules(node.rules) };
    case "int-or-string":
      return {
        ...common,
        "x-kubernetes-int-or-string": true,
        ...setOnly({ maxLength: node.maxLength }),
        ...renderRules(node.rules),
      };
    case "array":
      return {
        ...common,
        type: "array",
        items: toOpenApi(node.items),
        ...setOnly({
          minItems: node.minItems,
          maxItems: node.maxItems,
          "x-kubernetes-list-type": node.listType,
          "x-kubernetes-list-map-keys": listOf(node.listMapKeys),
        }),
        ...renderRules(node.rules),
      };
    case "map":
      return {
        ...common,
        type: "object",
        additionalProperties: toOpenApi(node.values),
        ...setOnly({ maxProperties: node.maxProperties }),
        ...renderRules(node.rules),
      };
    case "object": {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, child] of Object.entries(node.properties)) properties[name] = toOpenApi(child);
      return {
        ...common,
        type: "object",
        ...setOnly({
          properties: Object.keys(properties).length > 0 ? properties : undefined,
          required: listOf(node.required, true),
          maxProperties: node.maxProperties,
          "x-kubernetes-preserve-unknown-fields": node.preserveUnknownFields || undefined,
          "x-kubernetes-embedded-resource": node.embeddedResource || undefined,
        }),
        ...renderRules(node.rules),
      };
    }
  }
}
