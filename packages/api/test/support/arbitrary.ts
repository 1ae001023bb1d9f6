// fast-check arbitraries generated from the schema source: any object the builder describes, shaped as the CRD
// says (enums, bounds, required fields, int-or-string as a number or a percentage). Nested deeper than `maxDepth`,
// optional fields are left out, so pod templates stay small.
import fc from "fast-check";
import type { SchemaNode } from "../../src/schema/builder.ts";

export function arbitraryOf(node: SchemaNode, maxDepth = 6, depth = 0): fc.Arbitrary<unknown> {
  switch (node.type) {
    case "string":
      if (node.enum) return fc.constantFrom(...node.enum);
      if (node.format === "date-time") return fc.constant("2026-01-02T03:04:05Z");
      return fc.string({ minLength: node.minLength ?? 0, maxLength: Math.min(node.maxLength ?? 8, 8) });
    case "integer":
      return fc.integer({ min: node.minimum ?? -1000, max: node.maximum ?? 100_000 });
    case "boolean":
      return fc.boolean();
    case "int-or-string":
      return fc.oneof(
        fc.nat(200),
        fc.nat(100).map((n) => `${n}%`),
      );
    case "array":
      return depth >= maxDepth
        ? fc.constant([])
        : fc.array(arbitraryOf(node.items, maxDepth, depth + 1), { maxLength: 2 });
    case "map":
      return depth >= maxDepth
        ? fc.constant({})
        : fc.dictionary(
            fc.string({ minLength: 1, maxLength: 6 }),
            arbitraryOf(node.values, maxDepth, depth + 1),
            {
              maxKeys: 2,
            },
          );
    case "object": {
      const required = new Set(node.required ?? []);
      const entries = Object.entries(node.properties).filter(
        ([name]) => depth < maxDepth || required.has(name),
      );
      const record = Object.fromEntries(
        entries.map(([name, child]) => [name, arbitraryOf(child, maxDepth, depth + 1)]),
      );
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
    }
  }
}
