// `npm start` as a user runs it: a SIGKILLed controller comes back within seconds and shows in the status line,
// and Ctrl-C ends everything, kube-apiserver included.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getTestEnv, waitFor } from "@kruise/testenv/vitest";

const root = resolve(import.meta.dirname, "../..");
const stateDir = mkdtempSync(join(tmpdir(), "kruise-start-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** The pids and command lines of a process's children. */
function childrenOf(pid: number): Array<{ pid: number; args: string }> {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [p, ...rest] = l.split(/\s+/);
      return { pid: Number(p), args: rest.join(" ") };
    });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm start (the main job)", () => {
  it(
    "restarts a SIGKILLed controller, shows it, and Ctrl-C stops everything",
    { timeout: 240_000 },
    async () => {
      const child = spawn(
        process.execPath,
        [
          "--conditions=@kruise/source",
          join(root, "scripts/start.ts"),
          "--nodes=1",
          // Supervision is what this tests; scripts/test/real-nodes.test.ts covers real nodes.
          "--real-nodes=0",
          `--state-dir=${stateDir}`,
          "--status-interval=1",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      try {
        await waitFor(
          "the controllers to start",
          () => out.includes("Controllers, each as its own ServiceAccount"),
          180_000,
          250,
        );
        // The node agent runs once per real node; with none it says so and is not started.
        expect(out).toContain("kruise-daemon: not started, there is no real node");
        expect(childrenOf(child.pid!).some((c) => c.args.includes("apps/kruise-daemon/src/main.ts"))).toBe(
          false,
        );
        const cloneset = () =>
          childrenOf(child.pid!).find((c) => c.args.includes("apps/cloneset/src/main.ts"));
        const apiserver = childrenOf(child.pid!).find((c) => c.args.includes("kube-apiserver"));
        expect(apiserver).toBeDefined();
        const first = await waitFor("the cloneset controller process", cloneset);
        // Each controller runs as its own ServiceAccount, bound to exactly its rbac.ts rules: outside them, 403.
        const saKubeconfig = join(
          stateDir,
          "controlplane",
          "sa-kruise-system-cloneset-controller.kubeconfig",
        );
        expect(first.args).toContain(`--kubeconfig=${saKubeconfig}`);
        // ... and as its own NATS user, its password in the environment, not on the command line.
        expect(first.args).toMatch(/--nats-url=nats:\/\/cloneset@127\.0\.0\.1:\d+/);
        const kubectl = join(getTestEnv().binDir, "kubectl");
        const denied = spawnSync(
          kubectl,
          ["--kubeconfig", saKubeconfig, "get", "secrets", "-n", "kube-system"],
          {
            encoding: "utf8",
          },
        );
        expect(denied.status).not.toBe(0);
        expect(denied.stderr).toMatch(/Forbidden.*system:serviceaccount:kruise-system:cloneset-controller/);
        const allowed = spawnSync(kubectl, ["--kubeconfig", saKubeconfig, "get", "pods", "-A"], {
          encoding: "utf8",
        });
        expect(allowed.status, allowed.stderr).toBe(0);
        // And under those rules the CloneSet controller still does its job.
        const admin = join(stateDir, "kubeconfig");
        const applied = spawnSync(kubectl, ["--kubeconfig", admin, "apply", "-f", "-"], {
          encoding: "utf8",
          input: JSON.stringify({
            apiVersion: "apps.kruise.io/v1alpha1",
            kind: "CloneSet",
            metadata: { name: "start-demo", namespace: "default" },
            spec: {
              replicas: 2,
              selector: { matchLabels: { app: "start-demo" } },
              template: {
                metadata: { labels: { app: "start-demo" } },
                spec: { containers: [{ name: "main", image: "nginx:alpine" }] },
              },
            },
          }),
        });
        expect(applied.stderr).toBe("");
        await waitFor(
          "the CloneSet's 2 pods",
          () => {
            const r = spawnSync(
              kubectl,
              ["--kubeconfig", admin, "get", "pods", "-n", "default", "-l", "app=start-demo", "-o", "name"],
              {
                encoding: "utf8",
              },
            );
            return r.stdout.trim().split("\n").filter(Boolean).length === 2;
          },
          60_000,
        );
        process.kill(first.pid, "SIGKILL");
        await waitFor("a restart line", () => /cloneset exited \(SIGKILL\); restarting/.test(out), 10_000);
        const second = await waitFor(
          "a new cloneset process",
          () => {
            const c = cloneset();
            return c && c.pid !== first.pid ? c : undefined;
          },
          10_000,
        );
        await waitFor(
          "the status line to show the restart",
          () => /cloneset:up \(1 restarts, last SIGKILL\)/.test(out),
          10_000,
        );
        child.kill("SIGINT");
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("hung"), 60_000))]);
        expect(code).toBe(0);
        expect(out).toContain("Stopped.");
        expect(alive(second.pid)).toBe(false);
        expect(alive(apiserver!.pid)).toBe(false);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    },
  );
});
