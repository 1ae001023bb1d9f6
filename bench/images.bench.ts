// The controller images: compressed size of each (own layer plus the shared base and Node layers), the build time
// (warm: base and Node layers cached), and each controller's idle RSS running in its image (runc, read-only root,
// non-root, the image's own entrypoint and V8 flags) against a real control plane, next to the same controller
// started from TypeScript sources the way `npm start` does. Writes bench/results/images.json.
// Idle: connected, caches synced (/readyz 200), nothing to reconcile, IDLE_SECONDS after ready.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startControlPlane } from "@kruise/testenv";
import type { ImagesReport } from "../scripts/images/images-report.ts";
import { removeUnpackedImages, runImage } from "../scripts/images/run-image.ts";

const ROOT = resolve(import.meta.dirname, "..");
const IDLE_SECONDS = Number(process.env.IMAGES_BENCH_IDLE_SECONDS ?? 20);
const out = join(ROOT, ".kruise/images");

const freePort = (): Promise<number> =>
  new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });

interface Rss {
  /** VmRSS. */
  total: number;
  /** RssAnon: the process's own memory (heap, stacks, malloc). */
  anon: number;
  /** RssFile: pages of mapped files, mostly the Node binary's code; shared by every process on the node running it. */
  file: number;
}

const rssMiB = (pid: number): Rss => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kB = (field: string): number =>
    Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
  return { total: kB("VmRSS"), anon: kB("RssAnon"), file: kB("RssFile") };
};

async function waitReady(port: number, what: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready after 120 s:\n${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const started = Date.now();
const build = spawnSync(process.execPath, ["--conditions=@kruise/source", "scripts/images/build.ts"], {
  cwd: ROOT,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(1);
const buildSeconds = (Date.now() - started) / 1000;
const report = JSON.parse(readFileSync(join(out, "images.json"), "utf8")) as ImagesReport;
const layout = join(ROOT, report.layout);

const cp = await startControlPlane({ nodes: 0, controllerManager: false, scheduler: false });
// The admin kubeconfig is 0600 root: a copy the image's non-root user can read.
const scratch = mkdtempSync(join(tmpdir(), "kruise-images-bench-"));
const kubeconfig = join(scratch, "kubeconfig");
writeFileSync(kubeconfig, cp.kubeconfig, { mode: 0o644 });

const results: Record<string, unknown>[] = [];
try {
  for (const image of report.images) {
    const [metrics, health] = [await freePort(), await freePort()];
    const flags = [
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--health-probe-bind-address=127.0.0.1:${health}`,
      ...(cp.natsUrl ? [`--nats-url=${cp.natsUrl}`] : []),
    ];
    const run = runImage(layout, image.tag, {
      args: ["--kubeconfig=/etc/kruise/kubeconfig", ...flags],
      mounts: { [kubeconfig]: "/etc/kruise/kubeconfig" },
    });
    await waitReady(health, run.output);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const inImage = rssMiB(run.pid());
    await run.stop();

    // The same controller from sources, as npm start runs it (type stripping, runManager's re-exec).
    const [metrics2, health2] = [await freePort(), await freePort()];
    const main = join(ROOT, "apps", image.app, "src/main.ts");
    const child = spawn(
      process.execPath,
      [
        "--conditions=@kruise/source",
        main,
        `--kubeconfig=${kubeconfig}`,
        `--metrics-bind-address=127.0.0.1:${metrics2}`,
        `--health-probe-bind-address=127.0.0.1:${health2}`,
        ...(cp.natsUrl ? [`--nats-url=${cp.natsUrl}`] : []),
      ],
      { stdio: "ignore" },
    );
    await waitReady(health2, () => "");
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const fromSources = rssMiB(child.pid!);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));

    const [base = 0, node = 0, own = 0] = image.layerSizes;
    const mb = (n: number): number => Math.round(n / 1e5) / 10;
    results.push({
      image: image.tag,
      digest: image.digest,
      compressedMB: { total: mb(base + node + own), base: mb(base), node: mb(node), own: mb(own) },
      idleRssMiB: { inImage, fromSources },
    });
    process.stdout.write(
      `${image.tag}: ${mb(base + node + own)} MB compressed (own ${mb(own)}), idle RSS ${inImage.total} MiB in the image (anon ${inImage.anon}, file ${inImage.file}), ${fromSources.total} MiB from sources\n`,
    );
  }
} finally {
  removeUnpackedImages();
  await cp.stop();
  rmSync(scratch, { recursive: true, force: true });
}

const summary = {
  date: new Date().toISOString(),
  node: report.node,
  idleSeconds: IDLE_SECONDS,
  buildSecondsWarm: Math.round(buildSeconds),
  targets: { compressedMB: 60, idleRssMiB: 64 },
  images: results,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/images.json"), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
