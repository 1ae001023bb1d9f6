import { ConfigMapKind } from "../src/kinds/core.ts";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createTestNamespace, getTestEnv } from "@kruise/testenv/vitest";
import { Registry } from "prom-client";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  LeadershipLostError,
  NotFoundError,
  TokenBucket,
  apiErrorFrom,
  createClient,
  loadRestConfig,
  retryOnConflict,
} from "../src/client/index.ts";
import type { HttpClient, WriteRecord } from "../src/client/index.ts";
import { FakeClock } from "../src/clock/index.ts";
import { parseControllerFlags } from "../src/manager/index.ts";

describe("typed errors from Status bodies", () => {
  it.each([
    [409, "AlreadyExists", "AlreadyExistsError"],
    [409, "Conflict", "ConflictError"],
    [404, "NotFound", "NotFoundError"],
    [422, "Invalid", "InvalidError"],
    [403, "Forbidden", "ForbiddenError"],
    [429, "TooManyRequests", "TooManyRequestsError"],
    [410, "Expired", "GoneError"],
    [500, "InternalError", "ApiError"],
  ])("%i %s -> %s, carrying the server's message", (code, reason, name) => {
    const err = apiErrorFrom(
      code,
      JSON.stringify({ kind: "Status", reason, message: `msg-${reason}`, code }),
      "get",
      "/x",
    );
    expect(err.name).toBe(name);
    expect(err.reason).toBe(reason);
    expect(err.message).toContain(`msg-${reason}`);
  });

  it("keeps a non-JSON body as the message", () => {
    const err = apiErrorFrom(502, "<html>bad gateway</html>", "get", "/x");
    expect(err.code).toBe(502);
    expect(err.message).toContain("bad gateway");
  });
});

describe("TokenBucket", () => {
  it("gives the burst at once, then waits (never fails) at qps", async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 3, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
    await clock.advance(1000);
    expect(bucket.reserve()).toBe(0);
  });
});

describe("parseControllerFlags", () => {
  it("maps the standard flags onto manager options", () => {
    const flags = parseControllerFlags(
      [
        "--kube-api-qps=50",
        "--kube-api-burst",
        "80",
        "--leader-elect",
        "--leader-election-namespace=sys",
        "--feature-gates=A=true,B=false",
        "--nats-url=nats://x:4222",
        "--metrics-bind-address=0",
      ],
      {
        name: "x",
        summary: "y",
        // Gates must be declared: an unknown one stops the controller (flags.test.ts).
        featureGates: {
          A: { default: false, description: "a" },
          B: { default: true, description: "b" },
        },
      },
    );
    expect(flags.manager).toMatchObject({
      qps: 50,
      burst: 80,
      leaderElection: { namespace: "sys" },
      nats: { servers: "nats://x:4222" },
      metricsBindAddress: "0",
    });
    expect(flags.featureGates).toEqual({ A: true, B: false });
  });

  it("elects a leader by default (as OpenKruise); --leader-elect=false and --no-leader-elect turn it off", () => {
    const program = { name: "x", summary: "y" };
    expect(parseControllerFlags([], program).manager.leaderElection).toEqual({ namespace: "kruise-system" });
    expect(parseControllerFlags(["--leader-elect=true"], program).manager.leaderElection).toBeDefined();
    expect(parseControllerFlags(["--leader-elect=false"], program).manager.leaderElection).toBeUndefined();
    expect(parseControllerFlags(["--no-leader-elect"], program).manager.leaderElection).toBeUndefined();
    expect(() => parseControllerFlags(["--leader-elect=maybe"], program)).toThrow(
      /--leader-elect takes true or false/,
    );
  });

  it("serves metrics and health on loopback unless told otherwise", () => {
    const { manager } = parseControllerFlags([], { name: "x", summary: "y" });
    expect(manager.metricsBindAddress).toBe("127.0.0.1:8080");
    expect(manager.healthProbeBindAddress).toBe("127.0.0.1:8081");
  });

  it("names the flag in errors", () => {
    expect(() => parseControllerFlags(["--kube-api-qps=fast"], { name: "x", summary: "y" })).toThrow(
      /--kube-api-qps/,
    );
    expect(() => parseControllerFlags(["--feature-gates=A"], { name: "x", summary: "y" })).toThrow(
      /--feature-gates/,
    );
  });
});

describe("HttpClient against the shared control plane", () => {
  let client: HttpClient;
  let ns: string;
  const writes: WriteRecord[] = [];
  beforeAll(async () => {
    client = createClient(await loadRestConfig(getTestEnv().kubeconfigPath), {
      registry: new Registry(),
      onWrite: (w) => void writes.push(w),
    });
    ns = await createTestNamespace("sdk-client");
  });

  it("creates, reads, patches (merge, json, strategic, apply) and deletes, with typed errors", async () => {
    const cm: ConfigMap = { metadata: { name: "c", namespace: ns }, data: { a: "1" } };
    const created = await client.create(ConfigMapKind, cm);
    await expect(client.create(ConfigMapKind, cm)).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(client.get(ConfigMapKind, "missing", ns)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.create(ConfigMapKind, { metadata: { name: "Bad_Name", namespace: ns } }),
    ).rejects.toBeInstanceOf(InvalidError);
    await client.patch(ConfigMapKind, "c", ns, "merge", { data: { b: "2" } });
    await client.patch(ConfigMapKind, "c", ns, "json", [{ op: "add", path: "/data/c", value: "3" }]);
    await client.patch(ConfigMapKind, "c", ns, "strategic", { data: { d: "4" } });
    const applied = await client.patch(
      ConfigMapKind,
      "c",
      ns,
      "apply",
      { metadata: { name: "c", namespace: ns }, data: { e: "5" } },
      { fieldManager: "sdk-test", force: true },
    );
    expect(applied.data).toMatchObject({ a: "1", b: "2", c: "3", d: "4", e: "5" });
    await expect(client.update(ConfigMapKind, { ...created, data: { stale: "yes" } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    let attempts = 0;
    await retryOnConflict(async () => {
      attempts++;
      const fresh = attempts === 1 ? created : await client.get(ConfigMapKind, "c", ns);
      return client.update(ConfigMapKind, { ...fresh, data: { replaced: "yes" } });
    });
    expect(attempts).toBe(2);
    await client.delete(ConfigMapKind, "c", ns);
    await expect(client.get(ConfigMapKind, "c", ns)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("attributes writes to the controller view, and the write gate stops writes before they are sent", async () => {
    const view = client.forController("gated-test");
    expect(view.userAgent).toBe("gated-test/0.1.0");
    writes.length = 0;
    await view.create(ConfigMapKind, { metadata: { name: "g", namespace: ns } });
    expect(writes).toEqual([
      expect.objectContaining({ controller: "gated-test", verb: "create", name: "g", code: 201 }),
    ]);
    let leader = false;
    client.setWriteGate(() => leader);
    await expect(view.patch(ConfigMapKind, "g", ns, "merge", { data: { x: "1" } })).rejects.toBeInstanceOf(
      LeadershipLostError,
    );
    await expect(
      client.ungated().patch(ConfigMapKind, "g", ns, "merge", { data: { x: "1" } }),
    ).resolves.toBeDefined();
    expect(await view.get(ConfigMapKind, "g", ns)).toBeDefined(); // reads are never gated
    leader = true;
    await view.delete(ConfigMapKind, "g", ns);
    client.setWriteGate(undefined);
  });

  it("names who it is (RestConfig.user, a ServiceAccount in a cluster) as the field manager of every write but apply", async () => {
    const user = "system:serviceaccount:kruise-system:kruise-cloneset";
    const base = await loadRestConfig(getTestEnv().kubeconfigPath);
    const view = createClient({ ...base, user }, { registry: new Registry() }).forController("cloneset");
    const managers = (cm: ConfigMap) =>
      (cm.metadata?.managedFields ?? []).map((entry) => `${entry.operation}:${entry.manager}`).sort();
    await view.create(ConfigMapKind, { metadata: { name: "who", namespace: ns }, data: { a: "1" } });
    const patched = await view.patch(ConfigMapKind, "who", ns, "merge", { data: { b: "2" } });
    expect(managers(patched)).toEqual([`Update:${user}`]);
    const updated = await view.update(ConfigMapKind, { ...patched, data: { c: "3" } });
    expect(managers(updated)).toEqual([`Update:${user}`]);
    // Server-side apply keeps one manager per controller view: two controllers' applies must not own each other's fields.
    const applied = await view.patch(ConfigMapKind, "who", ns, "apply", {
      metadata: { name: "who", namespace: ns },
      data: { d: "4" },
    });
    expect(managers(applied)).toEqual(["Apply:cloneset", `Update:${user}`]);
    // Without a known user the API server names the user agent's name part, as before.
    const plain = client.forController("plain");
    const created = await plain.create(ConfigMapKind, {
      metadata: { name: "plain", namespace: ns },
      data: { a: "1" },
    });
    expect(managers(created)).toEqual(["Update:plain"]);
    await view.delete(ConfigMapKind, "who", ns);
    await plain.delete(ConfigMapKind, "plain", ns);
  });

  it("a write that passed the gate while waiting for a rate-limit token is refused if the gate closed meanwhile", async () => {
    const seen: WriteRecord[] = [];
    const slow = createClient(await loadRestConfig(getTestEnv().kubeconfigPath), {
      qps: 2,
      burst: 1,
      onWrite: (w) => void seen.push(w),
    });
    let leader = true;
    slow.setWriteGate(() => leader);
    await slow.create(ConfigMapKind, { metadata: { name: "waiting", namespace: ns } }); // takes the only token
    const waiting = slow.patch(ConfigMapKind, "waiting", ns, "merge", { data: { x: "1" } }); // waits ~500 ms for one
    leader = false;
    await expect(waiting).rejects.toBeInstanceOf(LeadershipLostError);
    expect(seen.map((w) => w.verb)).toEqual(["create"]); // the patch never went out
    expect((await client.get(ConfigMapKind, "waiting", ns)).data).toBeUndefined();
    await slow.close();
  });
});
