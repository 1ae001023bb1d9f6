// The main job's ports, kept in .kruise/ports.json so that every `npm start` uses the same ones: the API server's
// (a copied kubeconfig stays valid), NATS', and each controller's /metrics and /healthz. A saved port that another
// process holds now is replaced by a free one, and the change is printed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";

/** Controllers' ports are handed out from here up, two per controller (metrics, then health). */
export const FIRST_CONTROLLER_PORT = 18080;

export interface ControllerPorts {
  metrics: number;
  health: number;
}

export interface SavedPorts {
  apiserver?: number;
  nats?: number;
  controllers: Record<string, ControllerPorts>;
}

export function loadPorts(file: string): SavedPorts {
  if (!existsSync(file)) return { controllers: {} };
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as Partial<SavedPorts>;
    return { ...saved, controllers: saved.controllers ?? {} };
  } catch {
    return { controllers: {} };
  }
}

export function savePorts(file: string, ports: SavedPorts): void {
  writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Each app keeps its saved pair while both are free; an app without one (or whose pair is taken) gets the lowest
 * free pair from FIRST_CONTROLLER_PORT that no other app holds. Returns the pairs by app and what moved.
 */
export async function assignControllerPorts(
  apps: readonly string[],
  saved: Readonly<Record<string, ControllerPorts>>,
  isFree: (port: number) => Promise<boolean> = isPortFree,
): Promise<{ ports: Record<string, ControllerPorts>; moved: string[] }> {
  const ports: Record<string, ControllerPorts> = {};
  const moved: string[] = [];
  const taken = new Set<number>();
  const needNew: string[] = [];
  for (const app of apps) {
    const pair = saved[app];
    if (
      pair &&
      !taken.has(pair.metrics) &&
      !taken.has(pair.health) &&
      (await isFree(pair.metrics)) &&
      (await isFree(pair.health))
    ) {
      ports[app] = pair;
      taken.add(pair.metrics).add(pair.health);
    } else {
      if (pair) moved.push(app);
      needNew.push(app);
    }
  }
  // Ports of saved apps that are gone stay reserved, so a returning app finds its pair again.
  for (const pair of Object.values(saved)) taken.add(pair.metrics).add(pair.health);
  let next = FIRST_CONTROLLER_PORT;
  for (const app of needNew) {
    while (taken.has(next) || taken.has(next + 1) || !(await isFree(next)) || !(await isFree(next + 1)))
      next += 2;
    ports[app] = { metrics: next, health: next + 1 };
    taken.add(next).add(next + 1);
  }
  return { ports, moved };
}
