import { parseArgs } from "node:util";
import pino from "pino";
import { DEFAULT_HEALTH_PROBE_BIND_ADDRESS, DEFAULT_METRICS_BIND_ADDRESS } from "./http-server.ts";
import type { ManagerOptions } from "./manager.ts";

/** An extra flag a controller binary declares on top of the standard ones. */
export interface ExtraFlag {
  type: "string" | "boolean";
  description: string;
  default?: string | boolean;
}

export interface ControllerFlags {
  /** Manager options taken from the flags, including a pino logger at --log-level (merge with your own name). */
  manager: Omit<ManagerOptions, "name">;
  /** --feature-gates=A=true,B=false */
  featureGates: Record<string, boolean>;
  logLevel: string;
  /** Values of the extra flags, by name. */
  extra: Record<string, string | boolean | undefined>;
}

const STANDARD: Record<string, ExtraFlag> = {
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
  "nats-url": {
    type: "string",
    description: "NATS servers for the EventBus (comma-separated); empty runs without it.",
    default: "",
  },
  "log-level": { type: "string", description: "trace, debug, info, warn or error.", default: "info" },
  help: { type: "boolean", description: "Show this help and exit." },
};

/** The --help text. */
export function flagsHelp(program: string, summary: string, extra: Record<string, ExtraFlag> = {}): string {
  const rows = Object.entries({ ...STANDARD, ...extra }).map(([name, f]) => {
    const value = f.type === "string" ? " <value>" : "";
    const def = f.default !== undefined && f.default !== "" ? ` (default ${String(f.default)})` : "";
    return `  --${name}${value}\n      ${f.description}${def}`;
  });
  return `${program}: ${summary}\n\nUsage: ${program} [flags]\n\nFlags:\n${rows.join("\n")}\n`;
}

/**
 * Parses the standard controller flags (and any extra ones) with node:util parseArgs. Prints --help and exits 0;
 * on a bad flag or value, throws an Error whose message says which flag and what is expected.
 */
export function parseControllerFlags(
  argv: string[],
  program: { name: string; summary: string; extra?: Record<string, ExtraFlag> },
): ControllerFlags {
  const extra = program.extra ?? {};
  const all = { ...STANDARD, ...extra };
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, f] of Object.entries(all)) options[name] = { type: f.type };
  const { values } = parseArgs({
    args: booleanValues(argv, all),
    options,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  if (values.help) {
    process.stdout.write(flagsHelp(program.name, program.summary, extra));
    process.exit(0);
  }
  const get = (name: string): string | boolean | undefined => values[name] ?? all[name]?.default;
  const str = (name: string): string => String(get(name) ?? "");
  const num = (name: string): number => {
    const n = Number(str(name));
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number, got ${JSON.stringify(str(name))}`);
    return n;
  };
  const featureGates: Record<string, boolean> = {};
  for (const pair of str("feature-gates").split(",").filter(Boolean)) {
    const [gate, value] = pair.split("=");
    if (!gate || (value !== "true" && value !== "false")) {
      throw new Error(`--feature-gates: ${JSON.stringify(pair)} must look like Name=true or Name=false`);
    }
    featureGates[gate.trim()] = value === "true";
  }
  const manager: Omit<ManagerOptions, "name"> = {
    qps: num("kube-api-qps"),
    burst: num("kube-api-burst"),
    metricsBindAddress: str("metrics-bind-address"),
    healthProbeBindAddress: str("health-probe-bind-address"),
    logger: pino({ level: str("log-level") }),
  };
  if (get("metrics-auth") === true) manager.metricsAuth = true;
  if (str("kubeconfig")) manager.kubeconfig = str("kubeconfig");
  if (get("leader-elect") !== false) manager.leaderElection = { namespace: str("leader-election-namespace") };
  if (str("nats-url")) manager.nats = { servers: str("nats-url") };
  const extraValues: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(extra)) extraValues[name] = get(name);
  return { manager, featureGates, logLevel: str("log-level"), extra: extraValues };
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
