// Child process for the store-memory bench, run with --expose-gc: heap and RSS before and after a real informer
// has cached every pod in a namespace. Plain JavaScript importing the built SDK (dist/), so the figures are those
// of a production controller and do not include Node's TypeScript stripper. Prints one JSON line.
const [entry, kubeconfig, namespace, freeze, pageSize] = process.argv.slice(2);
const { createClient, loadRestConfig, Informer } = await import(entry);
const PodKind = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
};
const client = createClient(await loadRestConfig(kubeconfig), { qps: Infinity });
const informer = new Informer(client, PodKind, { namespace, freeze: freeze !== "nofreeze", ...(pageSize ? { pageSize: Number(pageSize) } : {}) });
await client.list(PodKind, { namespace, limit: 1 }); // warm the connection and code paths
const before = await settle();
const controller = new AbortController();
const started = performance.now();
const run = informer.run(controller.signal);
await informer.waitForSync();
const syncMs = performance.now() - started;
const after = await settle();
process.stdout.write(
  `${JSON.stringify({ pods: informer.store.size, heapBefore: before.heapUsed, heapAfter: after.heapUsed, rssBefore: before.rss, rss: after.rss, heapTotal: after.heapTotal, syncMs })}\n`,
);
controller.abort();
await run;
await client.close();
