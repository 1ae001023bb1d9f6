// A private control plane for the leader and eventbus tests, which stop the apiserver or NATS and so
// must not share the run's control plane: @kruise/testenv's startControlPlane() without nodes, CRDs,
// controller-manager or scheduler, seen through the few fields these tests use.
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { startControlPlane } from "@kruise/testenv";

export interface CommsControlPlane {
  server: string;
  token: string;
  ca: string;
  natsUrl: string;
  stopNats(): Promise<void>;
  startNats(): Promise<void>;
  stopApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCommsControlPlane(): Promise<CommsControlPlane> {
  const plane = await startControlPlane({ nodes: 0, controllerManager: false, scheduler: false, crdsDir: false });
  if (!plane.natsUrl) throw new Error("the control plane started without NATS");
  return {
    server: plane.server,
    token: plane.adminToken,
    ca: plane.caData,
    natsUrl: plane.natsUrl,
    stopNats: () => plane.stopNats(),
    startNats: () => plane.startNats(),
    stopApiserver: () => plane.stopApiserver(),
    startApiserver: () => plane.startApiserver(),
    stop: () => plane.stop(),
  };
}

/** A port nothing listens on (for "NATS is not running"). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Stops a child process this test started, waiting for it to exit. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
