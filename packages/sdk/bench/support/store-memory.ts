// Child process for the store-memory bench (run with --expose-gc): heap before and after a real informer has
// cached every pod in a namespace. Prints one JSON line.
import type { Pod } from "kubernetes-types/core/v1.js";
import { createClient, loadRestConfig } from "../../src/client/index.ts";
import { Informer } from "../../src/informer/index.ts";
import type { Kind } from "../../src/kind.ts";

const PodKind: Kind<Pod> = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
const [kubeconfig, namespace, freeze] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
};
const client = createClient(await loadRestConfig(kubeconfig), { qps: Infinity });
const informer = new Informer(client, PodKind, { namespace: namespace!, freeze: freeze !== "nofreeze" });
await client.list(PodKind, { namespace: namespace!, limit: 1 }); // warm the connection and code paths
const before = await settle();
const controller = new AbortController();
const started = performance.now();
const run = informer.run(controller.signal);
await informer.waitForSync();
const syncMs = performance.now() - started;
const after = await settle();
const rss = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ pods: informer.store.size, heapBefore: before, heapAfter: after, rss, syncMs })}\n`);
controller.abort();
await run;
await client.close();
