// The files a controller's subchart starts from. Written once, when an app in apps/ has no subchart yet;
// after that people own them (the generated parts live in rbac/ and charts/kruise-common/).
import { stringify } from "yaml";
import type { ControllerApp } from "./controller-apps.ts";
import { LIBRARY_NAME, subchartDir } from "./paths.ts";
import type { PlannedFile } from "./planned-file.ts";

export const SUBCHART_VERSION = "0.1.0";

/** Each template only calls the library, so every subchart is the same few lines. What every pod workload has: */
const COMMON_TEMPLATES: Record<string, string> = {
  "serviceaccount.yaml": "kruise-common.serviceAccount",
  "clusterrole.yaml": "kruise-common.clusterRole",
  "role.yaml": "kruise-common.namespaceRole",
};

/** A controller: a Deployment with a metrics Service and an optional budget. */
const TEMPLATES: Record<string, string> = {
  ...COMMON_TEMPLATES,
  "deployment.yaml": "kruise-common.deployment",
  "service.yaml": "kruise-common.metricsService",
  "poddisruptionbudget.yaml": "kruise-common.podDisruptionBudget",
};

/** A node agent: a DaemonSet instead of a Deployment, and no budget (a DaemonSet's pods are not evicted by drains). */
const PER_NODE_TEMPLATES: Record<string, string> = {
  ...COMMON_TEMPLATES,
  "daemonset.yaml": "kruise-common.daemonSet",
  "service.yaml": "kruise-common.metricsService",
};

export function subchartSkeleton(app: ControllerApp, libraryVersion: string): PlannedFile[] {
  const dir = subchartDir(app.name);
  const files: Record<string, string> = {
    "Chart.yaml": chartYaml(app, libraryVersion),
    "values.yaml": app.perNode ? perNodeValuesYaml(app) : valuesYaml(app),
    ".helmignore": "# Files helm package leaves out.\n.DS_Store\n*.swp\n*.bak\n*.tmp\n*.orig\n",
  };
  for (const [file, helper] of Object.entries(app.perNode ? PER_NODE_TEMPLATES : TEMPLATES))
    files[`templates/${file}`] = `{{- include "${helper}" . }}\n`;
  return Object.entries(files).map(([file, content]) => ({
    path: `${dir}/${file}`,
    content,
    kind: "skeleton",
  }));
}

function chartYaml(app: ControllerApp, libraryVersion: string): string {
  const chart = {
    apiVersion: "v2",
    name: app.name,
    description: `${app.description}. Installs on its own or as part of the kruise umbrella chart.`,
    type: "application",
    version: SUBCHART_VERSION,
    appVersion: SUBCHART_VERSION,
    keywords: ["kruise", app.name],
    dependencies: [
      // Vendored into charts/ by `npm run charts:generate`; the repository is for `helm dependency update`.
      { name: LIBRARY_NAME, version: libraryVersion, repository: `file://../../../${LIBRARY_NAME}` },
    ],
  };
  return stringify(chart, { lineWidth: 0 });
}

// values.yaml, block by block: the blocks every pod workload has (the library chart reads them the same way for a
// Deployment and a DaemonSet), and each kind's own.

function imageValues(app: ControllerApp, role: "controller" | "agent"): string {
  return `image:
  # The ${role} image; its entrypoint runs apps/${app.name}/src/main.ts.
  repository: ghcr.io/kruise-ts/${app.name}-controller
  # Default: global.image.tag, then the chart's appVersion.
  tag: ""
  # Default: global.image.pullPolicy, then IfNotPresent.
  pullPolicy: ""

# Names of Secrets for pulling the image (added to global.imagePullSecrets).
imagePullSecrets: []`;
}

const LOG_LEVEL_VALUES = `# --log-level: trace, debug, info, warn or error. Default: global.logLevel, then info.
logLevel: ""`;

function extraArgsValues(example: string): string {
  return `# Further flags, passed as written${example}. \`--help\` on the binary lists them all.
extraArgs: []`;
}

function resourcesValues(request: { cpu: string; memory: string }, memoryLimit: string): string {
  return `resources:
  requests:
    cpu: ${request.cpu}
    memory: ${request.memory}
  limits:
    memory: ${memoryLimit}`;
}

const METRICS_AND_HEALTH_VALUES = `metrics:
  # --metrics-bind-address=:<port>; the metrics Service carries prometheus.io/* annotations for this port.
  port: 8080
  service:
    annotations: {}

healthProbe:
  # --health-probe-bind-address=:<port>, serving /healthz (liveness) and /readyz (readiness).
  port: 8081`;

function serviceAccountAndShutdownValues(graceSeconds: number, why: string): string {
  return `serviceAccount:
  # Default: the chart's full name.
  name: ""
  annotations: {}

# Seconds to ${why} after SIGTERM.
terminationGracePeriodSeconds: ${graceSeconds}`;
}

function podPlacementValues(tolerations: string): string {
  return `podAnnotations: {}
priorityClassName: ""
nodeSelector: {}
${tolerations}
affinity: {}
nameOverride: ""
fullnameOverride: ""
`;
}

function valuesYaml(app: ControllerApp): string {
  return [
    `# Settings of the ${app.name} controller. Inside the kruise umbrella chart, put them under \`${app.name}:\`;
# an empty value there falls back to the umbrella's \`global\` block, then to the default noted here.`,
    imageValues(app, "controller"),
    `# More than one replica only makes sense with leader election: the others wait as hot standbys.
replicas: 1

leaderElection:
  # --leader-elect: reconcile only while holding a Lease in the release namespace.
  enabled: true`,
    LOG_LEVEL_VALUES,
    `# --nats-url: NATS servers for the event bus (comma-separated). Empty: inside the umbrella, the umbrella's NATS
# (see nats.* there); on its own, no event bus (the controller still converges from the API server alone).
natsUrl: ""

# --feature-gates, as a map of gate name to true/false, e.g. { SomeGate: true }, or as OpenKruise's chart writes it,
# a string "SomeGate=true,OtherGate=false". Unknown gates stop the controller with an error naming the known ones.
featureGates: ~`,
    extraArgsValues(`, e.g. ["--kube-api-qps=50"]`),
    resourcesValues({ cpu: "100m", memory: "128Mi" }, "512Mi"),
    METRICS_AND_HEALTH_VALUES,
    `podDisruptionBudget:
  # Off by default: with one replica a budget would block node drains.
  enabled: false
  minAvailable: 1
  # Set instead of minAvailable to bound voluntary evictions by count or percentage.
  maxUnavailable: ""`,
    serviceAccountAndShutdownValues(30, "finish in-flight reconciles and release the Lease"),
    podPlacementValues("tolerations: []"),
  ].join("\n\n");
}

function perNodeValuesYaml(app: ControllerApp): string {
  return [
    `# Settings of the ${app.name} node agent (one pod per node, a DaemonSet). Inside the kruise umbrella chart, put
# them under \`${app.name}:\`; an empty value there falls back to the umbrella's \`global\` block, then to the default
# noted here.`,
    imageValues(app, "agent"),
    `# The container runtime's CRI socket on each node. Its directory is mounted (hostPath) into the agent, so the agent
# still reaches the socket after the runtime restarts and makes it anew. CRI-O: /var/run/crio/crio.sock.
criSocket: /run/containerd/containerd.sock`,
    LOG_LEVEL_VALUES,
    extraArgsValues(""),
    resourcesValues({ cpu: "50m", memory: "64Mi" }, "256Mi"),
    `# How many nodes' agents a new chart version replaces at once.
maxUnavailable: 1`,
    METRICS_AND_HEALTH_VALUES,
    serviceAccountAndShutdownValues(10, "stop pulls and write their last status"),
    podPlacementValues(`# Every node, tainted or not: a node the agent skips cannot pre-pull images.
tolerations:
  - operator: Exists`),
  ].join("\n\n");
}
