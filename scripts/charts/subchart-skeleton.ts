// The files a controller's subchart starts from. Written once, when an app in apps/ has no subchart yet;
// after that people own them (the generated parts live in rbac/ and charts/kruise-common/).
import { stringify } from "yaml";
import type { ControllerApp } from "./controller-apps.ts";
import { LIBRARY_NAME, subchartDir } from "./paths.ts";
import type { PlannedFile } from "./planned-file.ts";

export const SUBCHART_VERSION = "0.1.0";

/** Each template only calls the library, so every subchart is the same few lines. */
const TEMPLATES: Record<string, string> = {
  "serviceaccount.yaml": "kruise-common.serviceAccount",
  "clusterrole.yaml": "kruise-common.clusterRole",
  "role.yaml": "kruise-common.namespaceRole",
  "deployment.yaml": "kruise-common.deployment",
  "service.yaml": "kruise-common.metricsService",
  "poddisruptionbudget.yaml": "kruise-common.podDisruptionBudget",
};

/** A node agent: a DaemonSet instead of a Deployment, and no budget (a DaemonSet's pods are not evicted by drains). */
const PER_NODE_TEMPLATES: Record<string, string> = {
  "serviceaccount.yaml": "kruise-common.serviceAccount",
  "clusterrole.yaml": "kruise-common.clusterRole",
  "role.yaml": "kruise-common.namespaceRole",
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

function valuesYaml(app: ControllerApp): string {
  return `# Settings of the ${app.name} controller. Inside the kruise umbrella chart, put them under \`${app.name}:\`;
# an empty value there falls back to the umbrella's \`global\` block, then to the default noted here.

image:
  # The controller image; its entrypoint runs apps/${app.name}/src/main.ts.
  repository: ghcr.io/kruise-ts/${app.name}-controller
  # Default: global.image.tag, then the chart's appVersion.
  tag: ""
  # Default: global.image.pullPolicy, then IfNotPresent.
  pullPolicy: ""

# Names of Secrets for pulling the image (added to global.imagePullSecrets).
imagePullSecrets: []

# More than one replica only makes sense with leader election: the others wait as hot standbys.
replicas: 1

leaderElection:
  # --leader-elect: reconcile only while holding a Lease in the release namespace.
  enabled: true

# --log-level: trace, debug, info, warn or error. Default: global.logLevel, then info.
logLevel: ""

# --nats-url: NATS servers for the event bus (comma-separated). Empty: inside the umbrella, the umbrella's NATS
# (see nats.* there); on its own, no event bus (the controller still converges from the API server alone).
natsUrl: ""

# --feature-gates, as a map of gate name to true/false, e.g. { SomeGate: true }, or as OpenKruise's chart writes it,
# a string "SomeGate=true,OtherGate=false". Unknown gates stop the controller with an error naming the known ones.
featureGates: ~

# Further flags, passed as written, e.g. ["--kube-api-qps=50"]. \`--help\` on the binary lists them all.
extraArgs: []

resources:
  requests:
    cpu: 100m
    memory: 128Mi
  limits:
    memory: 512Mi

metrics:
  # --metrics-bind-address=:<port>; the metrics Service carries prometheus.io/* annotations for this port.
  port: 8080
  service:
    annotations: {}

healthProbe:
  # --health-probe-bind-address=:<port>, serving /healthz (liveness) and /readyz (readiness).
  port: 8081

podDisruptionBudget:
  # Off by default: with one replica a budget would block node drains.
  enabled: false
  minAvailable: 1
  # Set instead of minAvailable to bound voluntary evictions by count or percentage.
  maxUnavailable: ""

serviceAccount:
  # Default: the chart's full name.
  name: ""
  annotations: {}

# Seconds to finish in-flight reconciles and release the Lease after SIGTERM.
terminationGracePeriodSeconds: 30

podAnnotations: {}
priorityClassName: ""
nodeSelector: {}
tolerations: []
affinity: {}
nameOverride: ""
fullnameOverride: ""
`;
}

function perNodeValuesYaml(app: ControllerApp): string {
  return `# Settings of the ${app.name} node agent (one pod per node, a DaemonSet). Inside the kruise umbrella chart, put
# them under \`${app.name}:\`; an empty value there falls back to the umbrella's \`global\` block, then to the default
# noted here.

image:
  # The agent image; its entrypoint runs apps/${app.name}/src/main.ts.
  repository: ghcr.io/kruise-ts/${app.name}-controller
  # Default: global.image.tag, then the chart's appVersion.
  tag: ""
  # Default: global.image.pullPolicy, then IfNotPresent.
  pullPolicy: ""

# Names of Secrets for pulling the image (added to global.imagePullSecrets).
imagePullSecrets: []

# The container runtime's CRI socket on each node. Its directory is mounted (hostPath) into the agent, so the agent
# still reaches the socket after the runtime restarts and makes it anew. CRI-O: /var/run/crio/crio.sock.
criSocket: /run/containerd/containerd.sock

# --log-level: trace, debug, info, warn or error. Default: global.logLevel, then info.
logLevel: ""

# Further flags, passed as written. \`--help\` on the binary lists them all.
extraArgs: []

resources:
  requests:
    cpu: 50m
    memory: 64Mi
  limits:
    memory: 256Mi

# How many nodes' agents a new chart version replaces at once.
maxUnavailable: 1

metrics:
  # --metrics-bind-address=:<port>; the metrics Service carries prometheus.io/* annotations for this port.
  port: 8080
  service:
    annotations: {}

healthProbe:
  # --health-probe-bind-address=:<port>, serving /healthz (liveness) and /readyz (readiness).
  port: 8081

serviceAccount:
  # Default: the chart's full name.
  name: ""
  annotations: {}

# Seconds to stop pulls and write their last status after SIGTERM.
terminationGracePeriodSeconds: 10

podAnnotations: {}
priorityClassName: ""
nodeSelector: {}
# Every node, tainted or not: a node the agent skips cannot pre-pull images.
tolerations:
  - operator: Exists
affinity: {}
nameOverride: ""
fullnameOverride: ""
`;
}
