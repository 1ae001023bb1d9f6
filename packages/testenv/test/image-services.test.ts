// imageServices: every simulated node gets a containerd of its own that only pulls, so a node agent's CRI pulls are
// real pulls from the local registry into that node's store, and nowhere else.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinaries, realNodeSupport, startControlPlane, type ControlPlane } from "@kruise/testenv";

const run = promisify(execFile);

async function checkSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.KRUISE_TESTENV === "off") return { ok: false, reason: "KRUISE_TESTENV=off" };
  try {
    return realNodeSupport(await findBinaries());
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
}
const support = await checkSupport();

let plane: ControlPlane;

async function crictl(socket: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(join(plane.binDir, "crictl"), [
    "--image-endpoint",
    `unix://${socket}`,
    "--runtime-endpoint",
    `unix://${socket}`,
    "--timeout",
    "60s",
    ...args,
  ]);
  return stdout;
}

describe.skipIf(!support.ok)("image services of simulated nodes", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    plane = await startControlPlane({
      nodes: 2,
      imageServices: true,
      controllerManager: false,
      scheduler: false,
      nats: false,
    });
  }, 120_000);
  afterAll(async () => {
    await plane?.stop();
  });

  it("gives each simulated node its own CRI socket; a pull lands in that node's store only", async () => {
    const names = Object.keys(plane.criSockets).sort();
    expect(names).toEqual(["testenv-node-0", "testenv-node-1"]);
    const [a, b] = names.map((n) => plane.criSockets[n] ?? "");
    await crictl(a ?? "", "pull", "nginx:1.25");
    const listed = JSON.parse(await crictl(a ?? "", "images", "-o", "json")) as {
      images: Array<{ repoTags: string[]; repoDigests: string[] }>;
    };
    expect(listed.images.flatMap((i) => i.repoTags)).toContain("docker.io/library/nginx:1.25");
    expect(await crictl(b ?? "", "images", "-q")).toBe("");
  });

  it("addImageService starts one for a node added later", async () => {
    await plane.kubelet?.addNode("testenv-node-late", "zone-a");
    const socket = await plane.addImageService("testenv-node-late");
    expect(plane.criSockets["testenv-node-late"]).toBe(socket);
    await crictl(socket, "pull", "busybox:1.36");
    expect(await crictl(socket, "images", "-q")).not.toBe("");
  });
});

describe.skipIf(support.ok)("image services of simulated nodes", () => {
  it.skip(`skipped: ${support.ok ? "" : support.reason}`, () => {});
});
