// A TCP relay in front of the local registry, for the nodes' containerd to pull through when a test wants to make
// the registry slow or unreachable (`throttledRegistry`). It runs in the control plane's process, so a test that
// started the control plane controls it directly.
import { createServer, connect, type Server, type Socket } from "node:net";

/** Controls of the relay between the nodes' containerd and the registry. */
export interface RegistryThrottle {
  /** http://127.0.0.1:<port>: what the nodes' containerd uses as the registry mirror. */
  readonly url: string;
  /** Each chunk the registry sends is held this long (0: none). Applies to chunks not yet relayed. */
  setDelayMs(ms: number): void;
  /**
   * Unreachable: open connections are cut and new ones are accepted but never answered (as a registry that stopped
   * responding), until `setReachable(true)`.
   */
  setReachable(reachable: boolean): void;
  close(): Promise<void>;
}

export async function startRegistryThrottle(registryPort: number): Promise<RegistryThrottle> {
  let delayMs = 0;
  let reachable = true;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    if (!reachable) return; // accepted, never answered
    const upstream = connect(registryPort, "127.0.0.1");
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (delayMs === 0) {
        client.write(chunk);
        return;
      }
      upstream.pause();
      setTimeout(() => {
        client.write(chunk);
        upstream.resume();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setDelayMs: (ms) => {
      delayMs = Math.max(0, ms);
    },
    setReachable: (next) => {
      reachable = next;
      if (!next) for (const socket of open) socket.destroy();
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
