import { ConfigMapKind } from "../src/kinds/core.ts";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, loadRestConfig } from "../src/client/index.ts";
import type { Client, HttpClient, WatchEvent } from "../src/client/index.ts";
import { Informer } from "../src/informer/index.ts";
import type { ControlPlane } from "@kruise/testenv";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";
import { createNamespace } from "./support/namespace.ts";
import { waitFor } from "@kruise/testenv/vitest";

let cp: ControlPlane;
let client: HttpClient;

beforeAll(async () => {
  // Without the watch cache, a watch from a compacted resourceVersion is answered 410 by etcd at once.
  cp = await startPrivateControlPlane({ watchCache: false });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: Infinity });
});
afterAll(async () => {
  await client?.close();
  await cp?.stop();
});

const namespace = (): Promise<string> => createNamespace(client, "informer");

const configMap = (namespace: string, name: string, value = "1"): ConfigMap => ({
  metadata: { name, namespace },
  data: { value },
});

/** The informer's store equals the server's list (same names, same resourceVersions). */
async function storeMatchesServer(informer: Informer<ConfigMap>, ns: string): Promise<boolean> {
  const server = await client.list(ConfigMapKind, { namespace: ns });
  const want = new Map(server.items.map((c) => [`${ns}/${c.metadata!.name!}`, c.metadata!.resourceVersion]));
  const have = informer.store.list().filter((c) => c.metadata?.namespace === ns);
  return (
    have.length === want.size &&
    have.every((c) => want.get(`${ns}/${c.metadata!.name!}`) === c.metadata!.resourceVersion)
  );
}

function startInformer(
  c: Client,
  ns: string,
  extra: Partial<ConstructorParameters<typeof Informer<ConfigMap>>[2]> = {},
) {
  const informer = new Informer(c, ConfigMapKind, {
    namespace: ns,
    initialBackoffMs: 100,
    maxBackoffMs: 1000,
    ...extra,
  });
  const controller = new AbortController();
  const done = informer.run(controller.signal);
  return { informer, stop: async () => (controller.abort(), await done) };
}

describe("Informer against a real apiserver", () => {
  it("lists more than one page, then follows adds, updates and deletes; objects are trimmed and frozen", async () => {
    const ns = await namespace();
    for (let i = 0; i < 23; i++) await client.create(ConfigMapKind, configMap(ns, `cm-${i}`));
    const { informer, stop } = startInformer(client, ns, { pageSize: 5 });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => void seen.push(`add:${o.metadata!.name!}:${initial}`),
      onDelete: (o) => void seen.push(`delete:${o.metadata!.name!}`),
    });
    await informer.waitForSync(AbortSignal.timeout(20_000));
    expect(informer.store.size).toBe(23);
    expect(seen.filter((s) => s.endsWith(":true"))).toHaveLength(23);
    const cached = informer.store.get(`${ns}/cm-0`)!;
    expect(cached.metadata?.managedFields).toBeUndefined();
    expect(Object.isFrozen(cached.metadata)).toBe(true);
    expect(() => ((cached as ConfigMap).data!.value = "x")).toThrow(TypeError);

    await client.patch(ConfigMapKind, "cm-1", ns, "merge", { data: { value: "2" } });
    await client.delete(ConfigMapKind, "cm-2", ns);
    await client.create(ConfigMapKind, configMap(ns, "late"));
    await waitFor("store to follow the changes", () => storeMatchesServer(informer, ns));
    expect(informer.store.get(`${ns}/cm-1`)?.data?.value).toBe("2");
    expect(seen).toContain("delete:cm-2");
    expect(seen).toContain("add:late:false");
    await stop();
  });

  it("keeps a correct store while the server ends watches every few seconds, without relisting", async () => {
    const ns = await namespace();
    const { informer, stop } = startInformer(client, ns, { watchTimeoutSeconds: 1 });
    await informer.waitForSync(AbortSignal.timeout(20_000));
    for (let round = 0; round < 6; round++) {
      await client.create(ConfigMapKind, configMap(ns, `cm-${round}`));
      if (round > 1) await client.delete(ConfigMapKind, `cm-${round - 2}`, ns);
      await new Promise((r) => setTimeout(r, 700));
    }
    await waitFor("store to match after several server-closed watches", () =>
      storeMatchesServer(informer, ns),
    );
    expect(informer.relists).toBe(1);
    await stop();
  });

  it("survives the apiserver being killed and restarted", async () => {
    const ns = await namespace();
    for (let i = 0; i < 5; i++) await client.create(ConfigMapKind, configMap(ns, `cm-${i}`));
    const { informer, stop } = startInformer(client, ns);
    await informer.waitForSync(AbortSignal.timeout(20_000));
    await cp.stopApiserver();
    await new Promise((r) => setTimeout(r, 1500));
    await cp.startApiserver();
    await client.delete(ConfigMapKind, "cm-0", ns);
    await client.patch(ConfigMapKind, "cm-1", ns, "merge", { data: { value: "after-restart" } });
    await client.create(ConfigMapKind, configMap(ns, "new"));
    await waitFor("store to match after the restart", () => storeMatchesServer(informer, ns), 40_000);
    expect(informer.relists).toBeGreaterThanOrEqual(2);
    await stop();
  });

  it("relists on 410 Gone after etcd compaction and reports objects that vanished as deletes", async () => {
    const ns = await namespace();
    for (let i = 0; i < 5; i++) await client.create(ConfigMapKind, configMap(ns, `cm-${i}`));
    // Hold the informer's watch after its list, so it reconnects from a resourceVersion that is then compacted.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let gone = 0;
    let holdNext = true;
    const holding: Client = Object.create(client) as Client;
    holding.watch = <T>(kind: Parameters<Client["watch"]>[0], options: Parameters<Client["watch"]>[1]) =>
      (async function* () {
        if (holdNext) {
          holdNext = false;
          await held;
        }
        for await (const event of client.watch(kind, options) as AsyncIterable<WatchEvent<T>>) {
          if (event.type === "ERROR" && (event.object as { code?: number }).code === 410) gone++;
          yield event;
        }
      })() as AsyncIterable<WatchEvent<T>>;
    const { informer, stop } = startInformer(holding, ns);
    const deleted: string[] = [];
    informer.addEventHandler({ onDelete: (o) => void deleted.push(o.metadata!.name!) });
    await informer.waitForSync(AbortSignal.timeout(20_000));
    await client.delete(ConfigMapKind, "cm-0", ns);
    await client.delete(ConfigMapKind, "cm-1", ns);
    for (let i = 0; i < 20; i++)
      await client.patch(ConfigMapKind, "cm-2", ns, "merge", { data: { value: String(i) } });
    await cp.compactEtcd();
    await cp.restartApiserver(); // and the informer reconnects from a compacted resourceVersion
    release();
    await waitFor("store to match after a 410", () => storeMatchesServer(informer, ns), 40_000);
    expect(gone).toBeGreaterThanOrEqual(1);
    expect(deleted.sort()).toEqual(["cm-0", "cm-1"]);
    expect(informer.store.get(`${ns}/cm-2`)?.data?.value).toBe("19");
    await stop();
  });
});
