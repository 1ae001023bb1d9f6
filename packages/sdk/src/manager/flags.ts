import { parseArgs } from "node:util";
import pino from "pino";
import { NATS_SETTINGS, type NatsTlsOptions } from "../eventbus/index.ts";
import { DEFAULT_HEALTH_PROBE_BIND_ADDRESS, DEFAULT_METRICS_BIND_ADDRESS } from "./http-server.ts";
import type { ManagerOptions } from "./manager.ts";

/**
 * An extra flag a controller binary declares on top of the standard ones. `integer` and `number` values are checked
 * when parsed (a bad value is an error naming the flag), so main.ts never converts or validates by hand.
 */
export type ExtraFlag =
  | { readonly type: "string"; readonly description: string; readonly default?: string }
  | { readonly type: "boolean"; readonly description: string; readonly default?: boolean }
  | {
      /** A whole number within [min, max] (min defaults to 1). */
      readonly type: "integer";
      readonly description: string;
      readonly default: number;
      readonly min?: number;
      readonly max?: number;
    }
  | {
      /** A finite number above zero (seconds, ratios). */
      readonly type: "number";
      readonly description: string;
      readonly default: number;
    };

/** `--namespace`, declared once for every controller that can be scoped to one namespace ("" = all namespaces). */
export const NAMESPACE_FLAG = {
  type: "string",
  description: "Watch and reconcile only this namespace. Default: all namespaces.",
  default: "",
} as const satisfies ExtraFlag;

/**
 * A controller's workers flag (`--workers`, `--cloneset-workers` …): how many reconciles of `kind` run at once,
 * at least 1. `kind` is the name --help shows ("CloneSet").
 */
export function workersFlag(kind: string, defaultWorkers = 3) {
  return {
    type: "integer",
    description: `Concurrent ${kind} reconciles.`,
    default: defaultWorkers,
  } as const satisfies ExtraFlag;
}

/** The value a flag of this declaration parses to. */
export type FlagValue<F extends ExtraFlag> = F extends { type: "string" }
  ? string
  : F extends { type: "boolean" }
    ? boolean
    : number;

/** A feature gate a controller declares: `--feature-gates=<Name>=true|false`. */
export interface FeatureGate {
  readonly default: boolean;
  readonly description: string;
}

export interface ControllerFlags<
  E extends Record<string, ExtraFlag> = Record<string, ExtraFlag>,
  G extends Record<string, FeatureGate> = Record<string, FeatureGate>,
> {
  /** Manager options taken from the flags, including a pino logger at --log-level (merge with your own name). */
  manager: Omit<ManagerOptions, "name">;
  /** Every declared gate, at its default unless --feature-gates set it. */
  featureGates: { readonly [K in keyof G]: boolean };
  logLevel: string;
  /** Values of the extra flags, by name, typed by their declaration (an unset string is ""). */
  extra: { readonly [K in keyof E]: FlagValue<E[K]> };
}

/** What a controller binary declares: its name and one-line summary for --help, extra flags, feature gates. */
export interface ControllerProgram<
  E extends Record<string, ExtraFlag> = Record<string, ExtraFlag>,
  G extends Record<string, FeatureGate> = Record<string, FeatureGate>,
> {
  readonly name: string;
  readonly summary: string;
  readonly extra?: E;
  readonly featureGates?: G;
}

const STANDARD = {
  kubeconfig: {
    type: "string",
    description: "Path to a kubeconfig. Default: $KUBECONFIG, ~/.kube/config, then in-cluster.",
  },
  "kube-api-qps": {
    type: "string",
    description: "Client-side requests per second to the API server.",
    default: "20",
  },
  "kube-api-burst": { type: "string", description: "Client-side request burst.", default: "30" },
  "metrics-bind-address": {
    type: "string",
    description:
      "host:port for /metrics; 0 disables. Loopback by default: metrics are not served to the network unless asked (:8080 for every interface).",
    default: DEFAULT_METRICS_BIND_ADDRESS,
  },
  "metrics-auth": {
    type: "boolean",
    description:
      "Serve /metrics only to callers the API server authenticates and authorizes for get /metrics (TokenReview + SubjectAccessReview, as controller-runtime's secure metrics); needs system:auth-delegator. For a bind address beyond loopback.",
    default: false,
  },
  "health-probe-bind-address": {
    type: "string",
    description:
      "host:port for /healthz and /readyz; 0 disables. Loopback by default; in a pod the kubelet probes need :8081.",
    default: DEFAULT_HEALTH_PROBE_BIND_ADDRESS,
  },
  "leader-elect": {
    type: "boolean",
    description:
      "Reconcile only while holding the leader Lease, so two replicas never act at once (as OpenKruise). --leader-elect=false turns it off.",
    default: true,
  },
  "leader-election-namespace": {
    type: "string",
    description: "Namespace of the leader Lease.",
    default: "kruise-system",
  },
  "feature-gates": { type: "string", description: "Comma-separated Gate=true|false pairs.", default: "" },
  [NATS_SETTINGS.urlFlag]: {
    type: "string",
    description: `NATS servers for the EventBus (comma-separated nats:// or tls://, optionally naming the user, the password in $${NATS_SETTINGS.passwordEnv}); empty runs without it.`,
    default: "",
  },
  [NATS_SETTINGS.caFlag]: {
    type: "string",
    description:
      "PEM file of the CA that signs the NATS server's certificate; makes TLS required. Default: Node's public CAs for tls:// servers.",
    default: "",
  },
  [NATS_SETTINGS.certFlag]: {
    type: "string",
    description: `PEM client certificate for a NATS server that verifies clients (with --${NATS_SETTINGS.keyFlag}); makes TLS required.`,
    default: "",
  },
  [NATS_SETTINGS.keyFlag]: {
    type: "string",
    description: `The NATS client certificate's PEM private key (with --${NATS_SETTINGS.certFlag}).`,
    default: "",
  },
  "log-level": { type: "string", description: "trace, debug, info, warn or error.", default: "info" },
  help: { type: "boolean", description: "Show this help and exit." },
} as const satisfies Record<string, ExtraFlag>;

/** The --help text. */
export function flagsHelp(
  program: string,
  summary: string,
  extra: Record<string, ExtraFlag> = {},
  featureGates: Record<string, FeatureGate> = {},
): string {
  const rows = Object.entries({ ...STANDARD, ...extra }).map(([name, f]: [string, ExtraFlag]) => {
    const value = f.type === "boolean" ? "" : " <value>";
    const def = f.default !== undefined && f.default !== "" ? ` (default ${String(f.default)})` : "";
    return `  --${name}${value}\n      ${f.description}${def}`;
  });
  const gates = Object.entries(featureGates).map(
    ([name, g]) => `  ${name}\n      ${g.description} (default ${String(g.default)})`,
  );
  const gateSection = gates.length > 0 ? `\nFeature gates (--feature-gates):\n${gates.join("\n")}\n` : "";
  return `${program}: ${summary}\n\nUsage: ${program} [flags]\n\nFlags:\n${rows.join("\n")}\n${gateSection}`;
}

/**
 * Parses the standard controller flags, the program's extra flags and its declared feature gates with node:util
 * parseArgs. Prints --help and exits 0; on a bad flag or value (an unknown feature gate included) throws an Error whose
 * message says which flag and what is expected.
 */
export function parseControllerFlags<
  const E extends Record<string, ExtraFlag> = Record<never, ExtraFlag>,
  const G extends Record<string, FeatureGate> = Record<never, FeatureGate>,
>(argv: string[], program: ControllerProgram<E, G>): ControllerFlags<E, G> {
  const extra: Record<string, ExtraFlag> = program.extra ?? {};
  const declaredGates: Record<string, FeatureGate> = program.featureGates ?? {};
  const all: Record<string, ExtraFlag> = { ...STANDARD, ...extra };
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, f] of Object.entries(all))
    options[name] = { type: f.type === "boolean" ? "boolean" : "string" };
  const { values } = parseArgs({
    args: booleanValues(argv, all),
    options,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  if (values.help) {
    process.stdout.write(flagsHelp(program.name, program.summary, extra, declaredGates));
    process.exit(0);
  }
  const get = (name: string): string | boolean | undefined => values[name] ?? all[name]?.default?.toString();
  const str = (name: string): string => String(get(name) ?? "");
  const num = (name: string): number => {
    const n = Number(str(name));
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number, got ${JSON.stringify(str(name))}`);
    return n;
  };
  const manager: Omit<ManagerOptions, "name"> = {
    qps: num("kube-api-qps"),
    burst: num("kube-api-burst"),
    metricsBindAddress: str("metrics-bind-address"),
    healthProbeBindAddress: str("health-probe-bind-address"),
    logger: pino({ level: str("log-level") }),
  };
  if (get("metrics-auth") === true) manager.metricsAuth = true;
  if (str("kubeconfig")) manager.kubeconfig = str("kubeconfig");
  if (values["leader-elect"] !== false)
    manager.leaderElection = { namespace: str("leader-election-namespace") };
  if (str(NATS_SETTINGS.urlFlag)) {
    const tls: NatsTlsOptions = {};
    if (str(NATS_SETTINGS.caFlag)) tls.caFile = str(NATS_SETTINGS.caFlag);
    if (str(NATS_SETTINGS.certFlag)) tls.certFile = str(NATS_SETTINGS.certFlag);
    if (str(NATS_SETTINGS.keyFlag)) tls.keyFile = str(NATS_SETTINGS.keyFlag);
    manager.nats = { servers: str(NATS_SETTINGS.urlFlag), ...(Object.keys(tls).length > 0 ? { tls } : {}) };
  }
  const extraValues: Record<string, string | boolean | number> = {};
  for (const [name, f] of Object.entries(extra)) {
    if (f.type === "boolean") extraValues[name] = (values[name] as boolean | undefined) ?? f.default ?? false;
    else if (f.type === "string") extraValues[name] = str(name);
    else if (f.type === "number") extraValues[name] = num(name);
    else extraValues[name] = integer(name, str(name), f.min ?? 1, f.max);
  }
  return {
    manager,
    featureGates: parseFeatureGates(str("feature-gates"), declaredGates) as ControllerFlags<
      E,
      G
    >["featureGates"],
    logLevel: str("log-level"),
    extra: extraValues as ControllerFlags<E, G>["extra"],
  };
}

function integer(name: string, raw: string, min: number, max: number | undefined): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || (max !== undefined && n > max))
    throw new Error(
      `--${name} must be a whole number ${max === undefined ? `of ${min} or more` : `from ${min} to ${max}`}, got ${JSON.stringify(raw)}`,
    );
  return n;
}

/**
 * `A=true,B=false` against the declared gates: every declared gate at its default unless named. An unknown gate is an
 * error naming the known ones, so a typo is never silently ignored; values are true or false (any letter case).
 */
export function parseFeatureGates<G extends Record<string, FeatureGate>>(
  value: string,
  declared: G,
): { readonly [K in keyof G]: boolean } {
  const gates: Record<string, boolean> = {};
  for (const [name, g] of Object.entries(declared)) gates[name] = g.default;
  for (const part of value.split(",")) {
    const [rawName, rawValue] = part.split("=");
    const name = (rawName ?? "").trim();
    if (name === "") continue;
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      throw new Error(
        `--feature-gates: unknown gate "${name}"; ${known.length > 0 ? `known gates: ${known.join(", ")}` : "this controller has no feature gates"}`,
      );
    }
    const v = (rawValue ?? "").trim().toLowerCase();
    if (v !== "true" && v !== "false")
      throw new Error(`--feature-gates: ${name}=${rawValue ?? ""}: the value must be true or false`);
    gates[name] = v === "true";
  }
  return gates as { readonly [K in keyof G]: boolean };
}

/**
 * Go-style booleans: `--flag=true` and `--flag=false` (controller-runtime's `--leader-elect=false`) become parseArgs'
 * `--flag` and `--no-flag`. Any other value is an error naming the flag.
 */
function booleanValues(argv: string[], flags: Record<string, ExtraFlag>): string[] {
  return argv.map((arg) => {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (!m || flags[m[1]!]?.type !== "boolean") return arg;
    if (m[2] === "true") return `--${m[1]}`;
    if (m[2] === "false") return `--no-${m[1]}`;
    throw new Error(`--${m[1]} takes true or false, got ${JSON.stringify(m[2])}`);
  });
}
