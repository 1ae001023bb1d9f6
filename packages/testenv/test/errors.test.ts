import { createServer, type Server } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlaneError, startControlPlane } from "../src/index.ts";
import { diagnoseLog } from "../src/process/log-diagnosis.ts";
import { ManagedProcess } from "../src/process/managed-process.ts";
import { OrphanGuard } from "../src/process/orphan-guard.ts";

describe("start-up failures explain themselves", () => {
  let busy: Server;
  let busyPort = 0;
  let dir: string;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const address = busy.address();
    busyPort = typeof address === "object" && address !== null ? address.port : 0;
    dir = await mkdtemp(join(tmpdir(), "testenv-errors-"));
  });

  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("names the busy port and what to do", async () => {
    const error = await startControlPlane({ ports: { apiserver: busyPort }, nats: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ControlPlaneError);
    const message = (error as Error).message;
    expect(message).toContain("kube-apiserver");
    expect(message).toContain(`port ${busyPort}`);
    expect(message).toMatch(/What to do: free port/);
  });

  it("tells to run `npm run binaries` when the binaries are missing", async () => {
    const error = await startControlPlane({ binDir: join(dir, "no-such-bin") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlPlaneError);
    expect((error as Error).message).toContain("npm run binaries");
    expect((error as Error).message).toContain("kube-apiserver");
  });

  it("names a process that exits early, with its last log lines", async () => {
    const guard = new OrphanGuard(dir, false);
    try {
      const proc = new ManagedProcess(
        {
          name: "fake-etcd",
          binary: "/bin/sh",
          args: ["-c", "echo 'fatal: listen tcp 127.0.0.1:2379: bind: address already in use'; exit 3"],
          logPath: join(dir, "fake.log"),
        },
        guard,
      );
      proc.start();
      const error = await proc
        .waitUntilReady({ probe: async () => false, timeoutMs: 10_000 })
        .catch((e: unknown) => e);
      const message = (error as Error).message;
      expect(message).toContain("fake-etcd: exited with code 3 before it became ready");
      expect(message).toContain("port 2379 on 127.0.0.1 is already in use");
      expect(message).toContain("| fatal: listen tcp");
    } finally {
      guard.dispose();
    }
  });

  it("says a missing executable needs `npm run binaries`", async () => {
    const guard = new OrphanGuard(dir, false);
    try {
      const proc = new ManagedProcess(
        {
          name: "kube-scheduler",
          binary: join(dir, "kube-scheduler"),
          args: [],
          logPath: join(dir, "missing.log"),
        },
        guard,
      );
      proc.start();
      const error = await proc
        .waitUntilReady({ probe: async () => false, timeoutMs: 5_000 })
        .catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /kube-scheduler: could not be started.*\nWhat to do: .*npm run binaries/,
      );
    } finally {
      guard.dispose();
    }
  });

  it("recognises common failures in a log", () => {
    expect(
      diagnoseLog("etcd", "error: listen tcp 127.0.0.1:4001: bind: address already in use", "etcd.log")
        ?.problem,
    ).toBe("port 4001 on 127.0.0.1 is already in use by another process");
    expect(diagnoseLog("kube-apiserver", "Error: unknown flag: --bogus", "kube-apiserver.log")?.problem).toBe(
      "it rejected a command-line flag",
    );
    expect(diagnoseLog("kube-apiserver", "all fine", "kube-apiserver.log")).toBeUndefined();
  });
});
