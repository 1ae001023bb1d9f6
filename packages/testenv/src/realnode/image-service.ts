import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ManagedProcess } from "../process/managed-process.ts";
import type { OrphanGuard } from "../process/orphan-guard.ts";
import { containerdConfig } from "./configs.ts";
import { killAll, processesMentioning, unmountUnder } from "./host.ts";
import { CONTAINERD_BINARY } from "./real-node.ts";

export interface ImageServiceContext {
  workDir: string;
  guard: OrphanGuard;
  registryUrl: string | undefined;
}

/**
 * The CRI image service of one simulated node: a containerd of its own (root, state, socket), with docker.io and
 * registry.k8s.io mirrored to the local registry exactly as a real node's. The simulated kubelet runs no
 * container, so this containerd only ever pulls; it still answers the whole CRI, as a node's runtime does.
 *
 * Guarantees: pulls are real pulls from the local registry into this node's own content store, so a node agent
 * and `crictl images` see exactly what was pulled on this node. stop() stops it and unmounts what it mounted.
 * Caveats: started only on request (`imageServices: true` or `addImageService`), since each costs ~40 MiB.
 */
export class ImageService {
  readonly nodeName: string;
  readonly dir: string;
  readonly socket: string;
  readonly #context: ImageServiceContext;
  #containerd: ManagedProcess | undefined;

  constructor(nodeName: string, context: ImageServiceContext) {
    this.nodeName = nodeName;
    this.#context = context;
    this.dir = join(context.workDir, `images-${nodeName}`);
    this.socket = join(this.dir, "containerd.sock");
  }

  get process(): ManagedProcess | undefined {
    return this.#containerd;
  }

  async start(): Promise<void> {
    const runcRoot = join(this.dir, "runc");
    const cniConfDir = join(this.dir, "cni");
    for (const dir of [this.dir, runcRoot, cniConfDir]) await mkdir(dir, { recursive: true });
    const toml = join(this.dir, "containerd.toml");
    await writeFile(
      toml,
      containerdConfig(
        { dir: this.dir, containerdSocket: this.socket, runcRoot, cniConfDir },
        this.#context.registryUrl,
      ),
    );
    this.#containerd = new ManagedProcess(
      {
        name: `containerd images (${this.nodeName})`,
        binary: CONTAINERD_BINARY,
        args: ["--config", toml],
        logPath: join(this.dir, "containerd.log"),
      },
      this.#context.guard,
    );
    this.#containerd.start();
    await this.#containerd.waitUntilReady({
      timeoutMs: 30_000,
      intervalMs: 100,
      probe: async () => existsSync(this.socket),
    });
  }

  async stop(): Promise<void> {
    await this.#containerd?.stop();
    killAll(processesMentioning(this.socket));
    await unmountUnder(this.dir);
  }
}
