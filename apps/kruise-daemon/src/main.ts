// The kruise-daemon binary (one per node, a DaemonSet in the chart): flags, the CRI connection, then the manager
// with its two agents: the image puller (NodeImage) and containermeta (the node's Kruise pods).
import pino from "pino";
import { parseFlagsOrExit, runManager } from "@kruise/sdk";
import { KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import { addImagePuller, AGENT_NAME } from "./agent.ts";
import { addContainerMetaAgent } from "./container-meta.ts";
import { connectImageService } from "./cri/image-service.ts";
import { connectRuntimeService } from "./cri/runtime-service.ts";
import { DAEMON_FEATURE_GATES } from "./feature-gates.ts";

// An agent, not a controller: no leader election and a logger that names the node, so it runs its manager itself
// (its flags are parsed as runController parses them).
const extra = {
  "node-name": {
    type: "string",
    description: "This node's name (the NodeImage to serve). Default: $NODE_NAME.",
    default: process.env["NODE_NAME"] ?? "",
  },
  "cri-endpoint": {
    type: "string",
    description: "The runtime's CRI socket, e.g. unix:///run/containerd/containerd.sock.",
    default: "unix:///run/containerd/containerd.sock",
  },
  "secret-namespace": {
    type: "string",
    description: "The only namespace whose pull Secrets the agent reads.",
    default: KRUISE_DAEMON_CONFIG_NAMESPACE,
  },
} as const;
const flags = parseFlagsOrExit({
  name: "kruise-daemon",
  summary:
    "the node agent: pulls the images its node's NodeImage asks for through the container runtime (CRI) and reports them in NodeImage status; reports its node's Kruise pods' containers (apps.kruise.io/runtime-containers-meta) and restarts those whose env from metadata an in-place update changed",
  extra,
  featureGates: DAEMON_FEATURE_GATES,
});

const nodeName = flags.extra["node-name"];
if (nodeName === "") {
  process.stderr.write("kruise-daemon: --node-name (or $NODE_NAME) is required\n");
  process.exit(2);
}
const logger = pino({ level: flags.logLevel }).child({ app: AGENT_NAME, node: nodeName });
// One agent per node: there is nothing to elect.
const { leaderElection: _none, ...manager } = flags.manager;

await runManager({ name: AGENT_NAME, ...manager, logger }, (mgr) => {
  addImagePuller(mgr, {
    nodeName,
    images: connectImageService(flags.extra["cri-endpoint"]),
    secretNamespace: flags.extra["secret-namespace"],
  });
  addContainerMetaAgent(mgr, {
    nodeName,
    runtime: connectRuntimeService(flags.extra["cri-endpoint"]),
    envFromMetadata: flags.featureGates.InPlaceUpdateEnvFromMetadata,
  });
});
