// Wiring: the pod webhook (served by the SDK's webhook server, one entry per SidecarSet), the injection policy, and
// the SidecarSet controller (revisions, in-place upgrades, status).
import type { Pod } from "kubernetes-types/core/v1.js";
import { SidecarSetKind, type SidecarSet } from "@kruise/api";
import {
  ControllerRevisionKind,
  NamespaceKind,
  PodKind,
  formatKubeTime,
  type Controller,
  type Manager,
  type ReadOnly,
  type Request,
  type WebhookAddress,
  type WebhookServer,
} from "@kruise/sdk";
import { injectedEvent } from "./events.ts";
import { sidecarSetHash } from "./injection/hash.ts";
import type { InjectionSource } from "./injection/inject.ts";
import { injectedSidecarSets } from "./injection/pod-annotations.ts";
import { reconcileSidecarSet } from "./reconcile.ts";
import { injectedSpec, injectionRevisionFor, revisionsOf } from "./revisions.ts";
import { ensureInjectionPolicy } from "./webhook/injection-policy.ts";
import { POD_WEBHOOK_PATH, podWebhook } from "./webhook/pod-webhook.ts";
import { SYSTEM_NAMESPACES, webhookEntries } from "./webhook/webhook-entries.ts";
import { WEBHOOK_CONFIGURATION_NAME, WEBHOOK_SECRET_NAME } from "./webhook/names.ts";

export const CONTROLLER_NAME = "sidecarset-controller";
export { WEBHOOK_CONFIGURATION_NAME, WEBHOOK_SECRET_NAME } from "./webhook/names.ts";

export interface SidecarSetControllerOptions {
  /** The controller's namespace: revisions, the certificate Secret; never injected. */
  namespace: string;
  /** How the API server reaches the webhook. */
  webhookAddress: WebhookAddress;
  /** host:port the webhook listens on (default per address kind). */
  webhookBindAddress?: string | undefined;
  /** Serving certificate lifetime (tests renew quickly). */
  certValidityMs?: number;
  workers?: number;
}

export interface SidecarSetController {
  controller: Controller;
  webhook: WebhookServer;
}

export function addSidecarSetController(
  mgr: Manager,
  options: SidecarSetControllerOptions,
): SidecarSetController {
  const excluded = [...SYSTEM_NAMESPACES, options.namespace];
  const sidecarSets = mgr.cache.informerFor(SidecarSetKind);
  mgr.cache.informerFor(NamespaceKind);
  mgr.cache.informerFor(ControllerRevisionKind, { namespace: options.namespace });
  const publish = (e: Parameters<NonNullable<Manager["eventBus"]>["publish"]>[0]): void =>
    mgr.eventBus?.publish(e);

  const webhook = mgr.webhookServer({
    name: "sidecarset-webhook",
    address: options.webhookAddress,
    secret: { namespace: options.namespace, name: WEBHOOK_SECRET_NAME },
    ...(options.webhookBindAddress ? { bindAddress: options.webhookBindAddress } : {}),
    ...(options.certValidityMs ? { certValidityMs: options.certValidityMs } : {}),
  });
  webhook.mutating<Pod>(
    POD_WEBHOOK_PATH,
    podWebhook({
      sidecarSets: () => mgr.cache.list(SidecarSetKind),
      namespaceLabels: (ns) => mgr.cache.get(NamespaceKind, undefined, ns)?.metadata?.labels,
      sourceFor: (ss, pod) => sourceFor(mgr, options.namespace, ss, pod),
      excludedNamespaces: new Set(excluded),
      now: () => formatKubeTime(mgr.clock.now()),
      onInjected: (ns, pod, names) => {
        for (const n of names) {
          const ss = mgr.cache.get(SidecarSetKind, undefined, n);
          if (ss)
            publish(
              injectedEvent(
                n,
                ns,
                pod.metadata?.name ?? pod.metadata?.generateName ?? "",
                sidecarSetHash(ss),
              ),
            );
        }
      },
    }),
  );

  // Every replica keeps the webhook entries in line with its SidecarSet cache (the same content everywhere), from
  // the first synced list on; before that the configuration on the server is left alone. The injection policy
  // follows each write, owned by the configuration (so it goes with it; a converged check is reads only).
  const configuration = webhook.mutatingConfiguration(WEBHOOK_CONFIGURATION_NAME, {
    "app.kubernetes.io/name": CONTROLLER_NAME,
  });
  let pending: ReturnType<typeof setTimeout> | undefined;
  const publishEntries = (): void => {
    if (!sidecarSets.hasSynced() || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      configuration
        .set(webhookEntries(mgr.cache.list(SidecarSetKind), excluded))
        .then(() => ensureInjectionPolicy(mgr.client.ungated(), excluded))
        .catch((err: unknown) =>
          mgr.log.warn(
            { err },
            "writing the SidecarSet webhook entries or injection policy failed; retrying on the next change",
          ),
        );
    }, 20);
  };
  sidecarSets.addEventHandler({ onAdd: publishEntries, onUpdate: publishEntries, onDelete: publishEntries });
  void sidecarSets.waitForSync().then(publishEntries);

  const controller = mgr
    .controller(CONTROLLER_NAME)
    .for(SidecarSetKind)
    .watches(PodKind, (pod) => podToSidecarSets(pod))
    .workers(options.workers ?? 3)
    .reconcile(reconcileSidecarSet, { namespace: options.namespace, publish });
  return { controller, webhook };
}

function podToSidecarSets(pod: ReadOnly<Pod>): Request[] {
  return injectedSidecarSets(pod).map((name) => ({ namespace: "", name }));
}

/** The current spec (recorded as status.latestRevision), or the revision injectionStrategy.revision picks for the pod. */
function sourceFor(
  mgr: Manager,
  namespace: string,
  ss: ReadOnly<SidecarSet>,
  pod: ReadOnly<Pod>,
): InjectionSource | string {
  const revisions = revisionsOf(mgr.cache, namespace, ss.metadata?.name ?? "");
  const pinned = injectionRevisionFor(ss, revisions, pod.metadata?.labels);
  if (typeof pinned === "string") return pinned;
  if (!pinned) {
    const latest = ss.status?.latestRevision;
    return { sidecarSet: ss, spec: injectedSpec(ss), ...(latest ? { revisionName: latest } : {}) };
  }
  const data = (pinned.data ?? {}) as { spec?: InjectionSource["spec"] };
  return { sidecarSet: ss, spec: data.spec ?? {}, revisionName: pinned.metadata?.name ?? "" };
}
