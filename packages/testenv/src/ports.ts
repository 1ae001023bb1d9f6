import { createServer } from "node:net";

/** Asks the kernel for a port that is free on 127.0.0.1 right now. Another process may still take it
 * before we bind it, which is why the starters retry once with fresh ports on "address already in use". */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() =>
        port > 0 ? resolve(port) : reject(new Error("could not read the port the kernel assigned")),
      );
    });
  });
}

/** True when something already listens on 127.0.0.1:port (so a process asked to bind it would fail). */
export async function isPortBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(true));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}
