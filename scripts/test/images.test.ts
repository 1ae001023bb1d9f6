// `npm run images`: two builds of the same tree give the same digests; every controller image shares the base and
// Node layers; an image runs as its non-root user on a read-only root file system with main.ts's V8 flags.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_V8_FLAGS } from "@kruise/sdk";
import { getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { ImagesReport } from "../images/images-report.ts";
import { pushImage } from "../images/push.ts";
import { removeUnpackedImages, runImage } from "../images/run-image.ts";

const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "kruise-images-"));
afterAll(() => {
  removeUnpackedImages();
  rmSync(scratch, { recursive: true, force: true });
});

function build(out: string, apps: readonly string[]): Promise<ImagesReport> {
  return new Promise((done, fail) => {
    const args = ["--conditions=@kruise/source", join(root, "scripts/images/build.ts"), `--out=${out}`];
    const child = spawn(process.execPath, [...args, ...apps.map((app) => `--app=${app}`)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("exit", (code) => {
      if (code !== 0) return fail(new Error(`npm run images exited ${code}:\n${output}`));
      done(JSON.parse(readFileSync(join(out, "images.json"), "utf8")) as ImagesReport);
    });
  });
}

let first: ImagesReport;
let second: ImagesReport;
beforeAll(async () => {
  first = await build(join(scratch, "a"), ["cloneset", "broadcastjob"]);
  second = await build(join(scratch, "b"), ["cloneset"]);
}, 900_000);

const image = (report: ImagesReport, app: string) => {
  const found = report.images.find((i) => i.app === app);
  if (!found) throw new Error(`no ${app} image in ${JSON.stringify(report)}`);
  return found;
};

describe("controller images", () => {
  it("are reproducible: the same tree gives the same digests", () => {
    expect(image(second, "cloneset").digest).toBe(image(first, "cloneset").digest);
    expect(image(second, "cloneset").layerDigests).toEqual(image(first, "cloneset").layerDigests);
  });

  it("share the base and Node layers and differ only in their own", () => {
    const cloneset = image(first, "cloneset");
    const broadcastjob = image(first, "broadcastjob");
    expect(cloneset.layerDigests).toHaveLength(3);
    expect(broadcastjob.layerDigests.slice(0, 2)).toEqual(cloneset.layerDigests.slice(0, 2));
    expect(broadcastjob.layerDigests[2]).not.toBe(cloneset.layerDigests[2]);
  });

  it("start main.js with main.ts's V8 flags, as the charts' non-root user", () => {
    expect(image(first, "cloneset").entrypoint).toEqual([
      "/usr/local/bin/node",
      ...DEFAULT_V8_FLAGS,
      "/app/dist/main.js",
    ]);
    expect(image(first, "cloneset").user).toBe("65532:65532");
  });

  it("run on a read-only root file system, /tmp excepted", async () => {
    const layout = join(scratch, "a", "oci");
    const probe = [
      'import { writeFileSync } from "node:fs";',
      "let readOnly = false;",
      'try { writeFileSync("/app/x", "x"); } catch (e) { readOnly = e.code === "EROFS"; }',
      'writeFileSync("/tmp/ok", "tmp is writable");',
      "console.log(JSON.stringify({ uid: process.getuid(), readOnly }));",
    ].join(" ");
    const run = runImage(layout, "cloneset-controller", {
      command: ["/usr/local/bin/node", "--input-type=module", "-e", probe],
    });
    expect(await run.wait(), run.output()).toBe(0);
    expect(JSON.parse(run.output().trim())).toEqual({ uid: 65532, readOnly: true });

    const help = runImage(layout, "cloneset-controller", { args: ["--help"] });
    expect(await help.wait(), help.output()).toBe(0);
    expect(help.output()).toContain("Usage: cloneset-controller");
  });

  it("push to the local registry with the layout's digests", async () => {
    const registry = getTestEnv().registryAddress;
    if (registry === undefined) throw new Error("the shared control plane runs without its local registry");
    const built = image(first, "cloneset");
    const ref = pushImage(join(scratch, "a", "oci"), built.tag, registry, built.version);
    expect(ref).toBe(`${registry}/cloneset-controller:${built.version}`);
    const res = await fetch(`http://${registry}/v2/cloneset-controller/manifests/${built.version}`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("docker-content-digest")).toBe(built.digest);
  });

  it("run the controller in its image against the control plane until /readyz passes", async () => {
    const env = getTestEnv();
    const kubeconfig = join(scratch, "kubeconfig");
    // The image's user is not root: a readable copy of the admin kubeconfig.
    writeFileSync(kubeconfig, readFileSync(env.kubeconfigPath, "utf8"), { mode: 0o644 });
    const health = await new Promise<number>((done) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => done(typeof address === "object" && address ? address.port : 0));
      });
    });
    const run = runImage(join(scratch, "a", "oci"), "cloneset-controller", {
      args: [
        "--kubeconfig=/etc/kruise/kubeconfig",
        "--metrics-bind-address=0",
        `--health-probe-bind-address=127.0.0.1:${health}`,
        // A namespace of its own, so it reconciles nothing of the other tests'.
        `--namespace=images-test-${health}`,
      ],
      mounts: { [kubeconfig]: "/etc/kruise/kubeconfig" },
    });
    try {
      await waitFor(
        "the controller in its image to pass /readyz",
        async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).ok,
        120_000,
        500,
      );
    } finally {
      expect(await run.stop(), run.output()).toBe(0);
    }
  });
});
