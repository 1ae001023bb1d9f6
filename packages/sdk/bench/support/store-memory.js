// Child process for the store-memory bench, run with --expose-gc: heap and RSS before and after a real informer
// has cached every pod in a namespace. Plain JavaScript importing the built SDK (dist/), so the figures are those
// of a production controller and do not include Node's TypeScript stripper. Prints one JSON line.
// Arguments: entry kubeconfig namespace freeze|nofreeze pageSize stream|whole shipped|node-defaults
//   stream: the informer's item-by-item list (HttpClient.listEach); whole: each page parsed whole (client.list).
//   shipped: re-executes with the V8 flags runManager applies (DEFAULT_V8_FLAGS); node-defaults: V8 as Node starts it.
const [entry, kubeconfig, namespace, freeze, pageSize, listMode = "stream", runtime = "shipped"] =
  process.argv.slice(2);
const { createClient, loadRestConfig, Informer, reexecWithV8Flags } = await import(entry);
if (runtime === "shipped") reexecWithV8Flags(); // as runManager does, before anything else
const PodKind = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
};
const client = createClient(await loadRestConfig(kubeconfig), { qps: Infinity });
// The whole-page variant: the same client without listEach, so the informer falls back to list().
const informerClient =
  listMode === "whole" ? Object.assign(Object.create(client), { listEach: undefined }) : client;
const informer = new Informer(informerClient, PodKind, {
  namespace,
  freeze: freeze !== "nofreeze",
  ...(pageSize ? { pageSize: Number(pageSize) } : {}),
});
await client.list(PodKind, { namespace, limit: 1 }); // warm the connection and code paths
const before = await settle();
const controller = new AbortController();
const started = performance.now();
const run = informer.run(controller.signal);
await informer.waitForSync();
const syncMs = performance.now() - started;
const after = await settle();
process.stdout.write(
  `${JSON.stringify({
    pods: informer.store.size,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rss: after.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapTotal: after.heapTotal,
    syncMs,
    execArgv: process.execArgv,
  })}\n`,
);
controller.abort();
await run;
await client.close();
