import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { waitFor } from "../src/vitest/index.ts";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a crashed owner leaves nothing behind", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("ends the control plane's processes and removes its work dir when the Node process is SIGKILLed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "testenv-orphans-"));
    dirs.push(dir);
    const script = join(dir, "owner.ts");
    await writeFile(
      script,
      `
      import { startControlPlane } from ${JSON.stringify(join(import.meta.dirname, "..", "src", "index.ts"))};
      const plane = await startControlPlane({ nodes: 1, crdsDir: false, controllerManager: false, scheduler: false });
      process.stdout.write(JSON.stringify({ workDir: plane.workDir, registry: plane.registry !== undefined, pids: plane.processes().map((p) => p.pid) }) + "\\n");
      setInterval(() => {}, 1000);
    `,
    );
    const owner = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    // A failed assertion must not leave the owner (and so its control plane) running.
    onTestFinished(() => {
      if (owner.exitCode === null && owner.signalCode === null) owner.kill("SIGKILL");
    });
    let output = "";
    owner.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const started = await waitFor(
      "owner started its control plane",
      async () => {
        const line = output.split("\n").find((l) => l.startsWith("{"));
        return line === undefined
          ? undefined
          : (JSON.parse(line) as { workDir: string; registry: boolean; pids: number[] });
      },
      90_000,
    );
    // etcd, kube-apiserver and nats-server, plus the image registry where the test images exist.
    expect(started.pids).toHaveLength(started.registry ? 4 : 3);
    expect(started.pids.every(alive)).toBe(true);

    owner.kill("SIGKILL");
    await waitFor(
      "children ended and work dir removed",
      async () => !started.pids.some(alive) && !existsSync(started.workDir),
      15_000,
    );
  });
});
