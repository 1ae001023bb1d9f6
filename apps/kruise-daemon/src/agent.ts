// The image puller of kruise-daemon: one NodeImage (its own node's), one worker per tag and spec version, status
// written back as the workers move. It shares no informer of pods or of other nodes' NodeImages.
import {
  KRUISE_DAEMON_CONFIG_NAMESPACE,
  NodeImageKind,
  type ImageTagStatus,
  type NodeImage,
} from "@kruise/api";
import {
  type Controller,
  jsonEqual,
  type Manager,
  type ReadOnly,
  type Reconciler,
  SecretKind,
  thaw,
} from "@kruise/sdk";
import type { ImageService } from "./cri/image-service.ts";
import { imageRef, nodeImageStatus, type TagState } from "./node-image-status.ts";
import { PullWorker, type PullOrder } from "./pull-worker.ts";
import { authsFor } from "./registry-auth.ts";

export const AGENT_NAME = "kruise-daemon-imagepuller";

export interface ImagePullerOptions {
  nodeName: string;
  images: ImageService;
  /** The only namespace whose Secrets the agent reads. */
  secretNamespace?: string;
  workers?: number;
}

interface Deps {
  nodeName: string;
  images: ImageService;
  secretNamespace: string;
  workers: Map<string, PullWorker>;
  wake: () => void;
}

/**
 * Registers the image puller for `nodeName`. Guarantees: a tag at a version is pulled once per agent run; after a
 * restart a tag whose status already says Succeeded or Failed at that version is not pulled again (no double
 * count), while one left Pulling is pulled again. Caveats: CRI reports no progress, so progress is 0 or 100.
 */
export function addImagePuller(mgr: Manager, options: ImagePullerOptions): Controller {
  const secretNamespace = options.secretNamespace ?? KRUISE_DAEMON_CONFIG_NAMESPACE;
  mgr.cache.informerFor(NodeImageKind, { fieldSelector: `metadata.name=${options.nodeName}` });
  mgr.cache.informerFor(SecretKind, { namespace: secretNamespace });
  const self = { namespace: "", name: options.nodeName };
  const deps: Deps = {
    nodeName: options.nodeName,
    images: options.images,
    secretNamespace,
    workers: new Map(),
    wake: () => {},
  };
  const controller = mgr
    .controller(AGENT_NAME)
    .for(NodeImageKind)
    .watches(SecretKind, () => [self])
    .workers(1)
    .reconcile(reconcileNodeImage, deps);
  deps.wake = () => controller.enqueue(self);
  return controller;
}

const reconcileNodeImage: Reconciler<Deps> = async ({ name }, { cache, client, log }, deps) => {
  if (name !== deps.nodeName) return;
  const node = cache.get(NodeImageKind, "", name);
  if (node === undefined) {
    for (const worker of deps.workers.values()) worker.stop();
    deps.workers.clear();
    return;
  }
  const secrets = cache.list(SecretKind, { namespace: deps.secretNamespace });
  const states: TagState[] = [];
  const wanted = new Set<string>();
  for (const [image, spec] of Object.entries(node.spec?.images ?? {})) {
    const imageSecrets = (spec.pullSecrets ?? [])
      .filter((ref) => ref.namespace === deps.secretNamespace)
      .flatMap((ref) => secrets.filter((s) => s.metadata?.name === ref.name));
    for (const tag of spec.tags ?? []) {
      const key = `${image}\u0000${tag.tag}`;
      wanted.add(key);
      const version = tag.version ?? 0;
      let worker = deps.workers.get(key);
      if (worker !== undefined && worker.order.version !== version) {
        worker.stop();
        worker = undefined;
      }
      if (worker === undefined) {
        const order: PullOrder = {
          ref: imageRef(image, tag.tag),
          tag: tag.tag,
          version,
          timeoutSeconds: tag.pullPolicy?.timeoutSeconds ?? 600,
          backoffLimit: tag.pullPolicy?.backoffLimit ?? 3,
          imagePullPolicy: tag.imagePullPolicy ?? "IfNotPresent",
          auths: authsFor(image, imageSecrets),
          ...(spec.sandboxConfig === undefined ? {} : { sandbox: thaw(spec.sandboxConfig) }),
        };
        worker = new PullWorker(order, deps.images, deps.wake, finishedBefore(node, image, tag.tag, version));
        deps.workers.set(key, worker);
        if (!worker.finished) log.info({ image: order.ref, version }, "pulling");
      }
      states.push({ image, status: worker.status });
    }
  }
  for (const [key, worker] of deps.workers)
    if (!wanted.has(key)) {
      worker.stop();
      deps.workers.delete(key);
    }
  const next = nodeImageStatus(node, states);
  if (jsonEqual(node.status ?? {}, next)) return;
  await client.updateStatus(NodeImageKind, { ...thaw<NodeImage>(node), status: next });
};

/** A status the agent wrote before it restarted, if that tag's pull at `version` had already finished. */
function finishedBefore(
  node: ReadOnly<NodeImage>,
  image: string,
  tag: string,
  version: number,
): ImageTagStatus | undefined {
  const found = node.status?.imageStatuses?.[image]?.tags?.find(
    (t) => t.tag === tag && (t.version ?? 0) === version,
  );
  if (found === undefined || (found.phase !== "Succeeded" && found.phase !== "Failed")) return undefined;
  return thaw(found);
}
