// Pure logic of the node agent: status from tag states, registry credentials, retry delays, and a worker driven
// by an in-memory ImageService stand-in (the real CRI is exercised by apps/imagepulljob's e2e test).
import { describe, expect, it } from "vitest";
import type { Secret } from "kubernetes-types/core/v1.js";
import type { ImageService } from "../src/cri/image-service.ts";
import { imageRef, nodeImageStatus } from "../src/node-image-status.ts";
import { PullWorker, retryDelayMs } from "../src/pull-worker.ts";
import { authsFor, registryHost } from "../src/registry-auth.ts";

describe("nodeImageStatus", () => {
  it("counts every spec tag; a tag with no state is waiting", () => {
    const status = nodeImageStatus({ metadata: { name: "n" } }, [
      { image: "a", status: { tag: "1", phase: "Succeeded", version: 0, message: "" } },
      { image: "a", status: { tag: "2", phase: "Pulling", version: 1 } },
      { image: "b", status: undefined },
    ]);
    expect(status).toEqual({
      desired: 3,
      succeeded: 1,
      failed: 0,
      pulling: 1,
      waiting: 1,
      imageStatuses: {
        a: {
          tags: [
            { tag: "1", phase: "Succeeded", version: 0 },
            { tag: "2", phase: "Pulling", version: 1 },
          ],
        },
      },
    });
  });
  it.each([
    ["docker.io/library/nginx", "1.25", "docker.io/library/nginx:1.25"],
    ["docker.io/library/nginx", "sha256:ab", "docker.io/library/nginx@sha256:ab"],
  ])("imageRef(%s, %s) = %s", (image, tag, ref) => expect(imageRef(image, tag)).toBe(ref));
});

describe("registry credentials", () => {
  const secret = (auths: Record<string, unknown>): Secret => ({
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") },
  });
  it.each([
    ["docker.io/library/nginx", "docker.io"],
    ["127.0.0.1:5000/app", "127.0.0.1:5000"],
    ["reg.example/app", "reg.example"],
  ])("registryHost(%s) = %s", (image, host) => expect(registryHost(image)).toBe(host));
  it("picks the entries of the image's registry (index.docker.io counts as docker.io)", () => {
    const auths = authsFor("docker.io/library/nginx", [
      secret({
        "https://index.docker.io/v1/": { username: "u", password: "p" },
        "other.example": { auth: "x" },
      }),
      { data: { ".dockerconfigjson": "bm90IGpzb24=" } },
    ]);
    expect(auths).toEqual([{ serverAddress: "docker.io", username: "u", password: "p" }]);
  });
});

describe("PullWorker", () => {
  const fakeImages = (failures: number): ImageService & { pulls: number } => {
    const state = { pulls: 0 };
    return Object.assign(state, {
      pull: async () => {
        state.pulls++;
        if (state.pulls <= failures) throw new Error("not found");
        return "sha256:cfg";
      },
      status: async () =>
        state.pulls > failures ? { id: "sha256:cfg", repoTags: [], repoDigests: ["r@sha256:d"] } : undefined,
      close: () => {},
    });
  };
  const order = {
    ref: "r:1",
    tag: "1",
    version: 2,
    timeoutSeconds: 5,
    backoffLimit: 2,
    imagePullPolicy: "IfNotPresent" as const,
    auths: [],
  };
  const noSleep = async (): Promise<void> => {};
  it("retries up to backoffLimit and succeeds with the repo digest", async () => {
    const images = fakeImages(2);
    const worker = new PullWorker(
      order,
      images,
      () => {},
      undefined,
      () => new Date(0),
      noSleep,
    );
    await worker.whenDone();
    expect(images.pulls).toBe(3);
    expect(worker.status).toMatchObject({
      phase: "Succeeded",
      progress: 100,
      imageID: "r@sha256:d",
      version: 2,
    });
  });
  it("fails after 1 + backoffLimit attempts", async () => {
    const images = fakeImages(10);
    const worker = new PullWorker(
      order,
      images,
      () => {},
      undefined,
      () => new Date(0),
      noSleep,
    );
    await worker.whenDone();
    expect(images.pulls).toBe(3);
    expect(worker.status.phase).toBe("Failed");
    expect(worker.status.message).toBe("failed after 3 attempts: not found");
  });
  it("runs nothing for an adopted finished status", async () => {
    const images = fakeImages(0);
    const worker = new PullWorker(order, images, () => {}, { tag: "1", phase: "Succeeded", version: 2 });
    await worker.whenDone();
    expect(images.pulls).toBe(0);
    expect(worker.finished).toBe(true);
  });
  it("waits 1 s, 2 s, 4 s … at most 30 s between attempts", () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([1000, 2000, 4000, 30_000]);
  });
});
