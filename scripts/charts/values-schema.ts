// values.schema.json for the umbrella and each controller subchart, derived from the chart's own values.yaml: every
// key there is a known value with the type of its default, and any other key is a typo that `helm install` rejects,
// naming it. A few values take more than their default's type (below).
import { parse } from "yaml";
import { LIBRARY_NAME } from "./paths.ts";

type Schema = Record<string, unknown>;

/** Gate names as the SDK's --feature-gates parser reads them: `A=true,B=false`. */
export const FEATURE_GATES_STRING = "^[A-Za-z][A-Za-z0-9]*=(true|false)(,[A-Za-z][A-Za-z0-9]*=(true|false))*$";

const LOG_LEVELS = ["", "trace", "debug", "info", "warn", "error"];

/** Values whose accepted forms are wider than (or other than) their default's type, by key. */
const SPECIAL: Record<string, Schema> = {
  // OpenKruise's chart takes a string; ours a map too. Both say the same thing.
  featureGates: {
    description: 'A map of gate to true/false, or OpenKruise\'s string form "A=true,B=false".',
    oneOf: [
      { type: "object", additionalProperties: { type: "boolean" } },
      { type: "string", pattern: FEATURE_GATES_STRING },
      { type: "string", maxLength: 0 },
      { type: "null" },
    ],
  },
  // Kubernetes' own types, too wide to restate here: the API server validates them.
  resources: { type: "object" },
  affinity: { type: "object" },
  tolerations: { type: "array" },
  minAvailable: { type: ["integer", "string"] },
  maxUnavailable: { type: ["integer", "string"] },
  pullPolicy: { enum: ["", "IfNotPresent", "Always", "Never"] },
  logLevel: { enum: LOG_LEVELS },
};

/** The schema of one value from its default. An empty map or list is free-form (annotations, selectors). */
function schemaOf(key: string, value: unknown): Schema {
  const special = SPECIAL[key];
  if (special !== undefined) return special;
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (typeof value === "string") return { type: "string" };
  if (Array.isArray(value)) return { type: "array" };
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return { type: "object" };
    return {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(k, v)])),
    };
  }
  return {};
}

function document(title: string, properties: Record<string, Schema>): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title,
    type: "object",
    additionalProperties: false,
    properties,
  };
}

const render = (schema: Schema): string => `${JSON.stringify(schema, null, 2)}\n`;

/**
 * A controller subchart's schema. Besides its own values it allows `enabled` (the umbrella's switch, which Helm
 * passes down) and `global` (the umbrella's fleet-wide block, which Helm copies into every subchart).
 */
export function controllerValuesSchema(app: string, valuesYaml: string): string {
  const values = (parse(valuesYaml) ?? {}) as Record<string, unknown>;
  const own = schemaOf("", values) as { properties?: Record<string, Schema> };
  return render(
    document(`Values of the ${app} controller chart`, {
      ...own.properties,
      enabled: { type: "boolean", description: "Inside the umbrella: deploy this controller." },
      global: { type: "object", description: "The umbrella's global block (validated there)." },
      [LIBRARY_NAME]: { type: "object", description: "Helm's values slot of the library chart (it has none)." },
    }),
  );
}

/**
 * The umbrella's schema: its hand-written blocks exactly, and per controller an object whose `enabled` is a
 * boolean. Helm checks the rest of each controller's block against that subchart's own schema.
 */
export function umbrellaValuesSchema(valuesYaml: string, apps: readonly string[]): string {
  const values = (parse(valuesYaml) ?? {}) as Record<string, unknown>;
  const names = new Set(apps);
  const own = Object.entries(values).filter(([key]) => !names.has(key));
  return render(
    document("Values of the kruise umbrella chart", {
      ...Object.fromEntries(own.map(([key, value]) => [key, schemaOf(key, value)])),
      ...Object.fromEntries(
        apps.map((app) => [
          app,
          {
            type: "object",
            description: `The ${app} controller: enabled, and any value of charts/${app}/values.yaml.`,
            properties: { enabled: { type: "boolean" } },
          },
        ]),
      ),
    }),
  );
}
