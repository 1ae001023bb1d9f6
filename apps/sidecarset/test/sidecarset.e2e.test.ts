// SidecarSet against the shared real control plane: injection through the API server for bare, Deployment and
// CloneSet pods; selectors respected; in-place image upgrades one at a time; partition and paused; zero writes
// when converged; and with the controller stopped, unselected pods are created and selected ones refused clearly.
import type { Pod } from "kubernetes-types/core/v1.js";
import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, kubectl, waitFor } from "@kruise/testenv/vitest";
import {
  serviceAccountKubeconfig,
  startCloneSetController,
  startSidecarSetController,
  type RunningController,
} from "./support/controller.ts";

const id = randomBytes(3).toString("hex");
const SS = `sc-${id}`;
const APP = `web-${id}`;
let ctlNs = "";
let appNs = "";
let otherNs = "";
let controller: RunningController | undefined;
let cloneset: ChildProcess | undefined;

async function k(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
const apply = (obj: unknown): Promise<string> => k(["apply", "-f", "-"], JSON.stringify(obj));
async function pods(ns: string, selector: string): Promise<Pod[]> {
  return (
    JSON.parse(await k(["get", "pods", "-n", ns, "-l", selector, "-o", "json"])) as { items: Pod[] }
  ).items.filter((p) => !p.metadata?.deletionTimestamp);
}
const names = (p: Pod): string[] => p.spec?.containers.map((c) => c.name) ?? [];
const image = (p: Pod, c: string): string | undefined => p.spec?.containers.find((x) => x.name === c)?.image;
const ready = (p: Pod): boolean =>
  (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
const runs = (p: Pod, c: string, img: string): boolean =>
  p.status?.containerStatuses?.find((s) => s.name === c)?.image === img && ready(p);

function bare(name: string, ns: string, labels: Record<string, string>): unknown {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: "app", image: "nginx:1" }] },
  };
}

async function status(): Promise<Record<string, unknown>> {
  return (
    (JSON.parse(await k(["get", "sidecarset", SS, "-o", "json"])) as { status?: Record<string, unknown> })
      .status ?? {}
  );
}

beforeAll(async () => {
  ctlNs = await createTestNamespace("sc-system");
  appNs = await createTestNamespace("sc-app");
  otherNs = await createTestNamespace("sc-other");
  await k(["label", "namespace", appNs, `sidecar-test=${id}`]);
  controller = await startSidecarSetController(await serviceAccountKubeconfig(getTestEnv(), ctlNs), ctlNs);
  cloneset = startCloneSetController(getTestEnv().kubeconfigPath, appNs);
  await apply({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "SidecarSet",
    metadata: { name: SS },
    spec: {
      selector: { matchLabels: { app: APP } },
      namespaceSelector: { matchLabels: { "sidecar-test": id } },
      updateStrategy: { maxUnavailable: 1 },
      containers: [
        {
          name: "proxy",
          image: "proxy:1",
          volumeMounts: [{ name: "shared", mountPath: "/shared" }],
        },
      ],
      volumes: [{ name: "shared", emptyDir: {} }],
    },
  });
  // The entry for the SidecarSet reaches the API server: a probe pod gets the sidecar.
  await waitFor(
    "the SidecarSet's webhook entry to inject",
    async () => {
      await kubectl(["delete", "pod", "probe", "-n", appNs, "--ignore-not-found", "--wait=false"]);
      const r = await kubectl(["apply", "-f", "-"], {
        input: JSON.stringify(bare("probe", appNs, { app: APP })),
      });
      if (r.code !== 0) return false;
      const p = JSON.parse(await k(["get", "pod", "probe", "-n", appNs, "-o", "json"])) as Pod;
      return names(p).includes("proxy");
    },
    60_000,
    500,
  );
  await k(["delete", "pod", "probe", "-n", appNs, "--wait=false"]);
}, 180_000);

afterAll(async () => {
  cloneset?.kill("SIGTERM");
  await controller?.stop();
  await kubectl(["delete", "sidecarset", SS, "--ignore-not-found"]);
  await kubectl([
    "delete",
    "mutatingwebhookconfiguration",
    "kruise-sidecarset-injection",
    "--ignore-not-found",
  ]);
  await kubectl([
    "delete",
    "validatingadmissionpolicybinding",
    "kruise-sidecarset-injection",
    "--ignore-not-found",
  ]);
  await kubectl(["delete", "validatingadmissionpolicy", "kruise-sidecarset-injection", "--ignore-not-found"]);
});

describe("SidecarSet", () => {
  it("injects a selected bare pod; leaves a pod outside the selector or the namespace selector untouched", async () => {
    await apply(bare("selected", appNs, { app: APP }));
    await apply(bare("unselected", appNs, { app: "other" }));
    await apply(bare("elsewhere", otherNs, { app: APP }));
    const [sel] = await pods(appNs, `app=${APP}`);
    expect(names(sel!)).toEqual(["proxy", "app"]);
    expect(sel!.spec?.containers[0]?.env).toEqual([{ name: "IS_INJECTED", value: "true" }]);
    expect(sel!.spec?.volumes?.map((v) => v.name)).toContain("shared");
    expect(sel!.metadata?.annotations?.["kruise.io/sidecarset-injected-list"]).toBe(SS);
    expect(JSON.parse(sel!.metadata?.annotations?.["kruise.io/sidecarset-hash"] ?? "{}")).toHaveProperty(SS);
    for (const [ns, l] of [
      [appNs, "app=other"],
      [otherNs, `app=${APP}`],
    ] as const) {
      const [p] = await pods(ns, l);
      expect(names(p!)).toEqual(["app"]);
      expect(p!.metadata?.annotations?.["kruise.io/sidecarset-hash"]).toBeUndefined();
    }
    await k(["delete", "pod", "selected", "unselected", "-n", appNs, "--wait=false"]);
  });

  it("injects the pods of a Deployment and a CloneSet; an image change upgrades them in place one at a time", async () => {
    const template = (role: string) => ({
      metadata: { labels: { app: APP, role } },
      spec: { containers: [{ name: "app", image: "nginx:1" }] },
    });
    await apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "deploy", namespace: appNs },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: APP, role: "deploy" } },
        template: template("deploy"),
      },
    });
    await apply({
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "CloneSet",
      metadata: { name: "clone", namespace: appNs },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: APP, role: "clone" } },
        template: template("clone"),
      },
    });
    const all = `app=${APP}`;
    await waitFor(
      "4 injected, running pods",
      async () => {
        const ps = await pods(appNs, all);
        return ps.length === 4 && ps.every((p) => names(p).includes("proxy") && runs(p, "proxy", "proxy:1"));
      },
      90_000,
      300,
    );
    await waitFor("status to count them", async () => {
      const s = await status();
      return s["matchedPods"] === 4 && s["updatedPods"] === 4 && s["readyPods"] === 4 ? s : false;
    });
    const before = new Map((await pods(appNs, all)).map((p) => [p.metadata!.name!, p.metadata!.uid!]));

    // Partition 3 of 4: exactly one pod upgrades, then it holds.
    await k([
      "patch",
      "sidecarset",
      SS,
      "--type",
      "merge",
      "-p",
      JSON.stringify({
        spec: {
          updateStrategy: { partition: 3 },
          containers: [
            { name: "proxy", image: "proxy:2", volumeMounts: [{ name: "shared", mountPath: "/shared" }] },
          ],
        },
      }),
    ]);
    await waitFor(
      "one pod upgraded under partition 3",
      async () => {
        const ps = await pods(appNs, all);
        return ps.filter((p) => runs(p, "proxy", "proxy:2")).length === 1;
      },
      60_000,
      200,
    );
    // Paused with no partition: still one.
    await k([
      "patch",
      "sidecarset",
      SS,
      "--type",
      "merge",
      "-p",
      '{"spec":{"updateStrategy":{"partition":0,"paused":true}}}',
    ]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await pods(appNs, all)).filter((p) => image(p, "proxy") === "proxy:2")).toHaveLength(1);

    // Unpaused: the rest, never more than one pod in flight.
    let maxInFlight = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ps = await pods(appNs, all);
        maxInFlight = Math.max(
          maxInFlight,
          ps.filter((p) => image(p, "proxy") === "proxy:2" && !runs(p, "proxy", "proxy:2")).length,
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await k([
      "patch",
      "sidecarset",
      SS,
      "--type",
      "merge",
      "-p",
      '{"spec":{"updateStrategy":{"paused":false}}}',
    ]);
    await waitFor(
      "every pod upgraded",
      async () => {
        const ps = await pods(appNs, all);
        return ps.length === 4 && ps.every((p) => runs(p, "proxy", "proxy:2"));
      },
      90_000,
      300,
    );
    watching = false;
    await watcher;
    expect(maxInFlight).toBeLessThanOrEqual(1);
    const after = await pods(appNs, all);
    expect(new Map(after.map((p) => [p.metadata!.name!, p.metadata!.uid!]))).toEqual(before);
    for (const p of after)
      expect(p.status?.containerStatuses?.find((s) => s.name === "app")?.restartCount).toBe(0);
    await waitFor("status updated", async () => {
      const s = await status();
      return s["updatedPods"] === 4 && s["updatedReadyPods"] === 4 && typeof s["latestRevision"] === "string";
    });
    const revisions = await k([
      "get",
      "controllerrevisions",
      "-n",
      ctlNs,
      "-l",
      `kruise.io/sidecarset-name=${SS}`,
      "-o",
      "name",
    ]);
    expect(revisions.trim().split("\n")).toHaveLength(2);

    // Converged: no writes at all for a while.
    const writes = controller!.writes.length;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(controller!.writes.slice(writes).filter((w) => w.kind !== "Lease")).toEqual([]);
  });

  it("a change beyond images marks the pods SidecarSetUpgradable=False and leaves them running", async () => {
    const patch = {
      spec: {
        containers: [
          {
            name: "proxy",
            image: "proxy:2",
            env: [{ name: "NEW", value: "1" }],
            volumeMounts: [{ name: "shared", mountPath: "/shared" }],
          },
        ],
      },
    };
    await k(["patch", "sidecarset", SS, "--type", "merge", "-p", JSON.stringify(patch)]);
    await waitFor("every pod marked not upgradable", async () => {
      const ps = await pods(appNs, `app=${APP}`);
      return ps.every((p) =>
        p.status?.conditions?.some((c) => c.type === "SidecarSetUpgradable" && c.status === "False"),
      );
    });
    const ps = await pods(appNs, `app=${APP}`);
    expect(
      ps.every(
        (p) => image(p, "proxy") === "proxy:2" && !p.spec?.containers[0]?.env?.some((e) => e.name === "NEW"),
      ),
    ).toBe(true);
    const events = await k([
      "get",
      "events",
      "-A",
      "--field-selector",
      `involvedObject.name=${SS}`,
      "-o",
      "json",
    ]);
    expect(events).toContain("NotUpgradablePods");
    await waitFor("status: none updated", async () => (await status())["updatedPods"] === 0);
  });

  it("serves v1beta1 (namespaceSelector, customVersion) and prints MATCHED, UPDATED, READY", async () => {
    await apply({
      apiVersion: "apps.kruise.io/v1beta1",
      kind: "SidecarSet",
      metadata: { name: `${SS}-beta` },
      spec: {
        selector: { matchLabels: { app: `${APP}-beta` } },
        namespaceSelector: { matchLabels: { "sidecar-test": id } },
        customVersion: "v7",
        containers: [{ name: "beta", image: "proxy:1" }],
      },
    });
    const table = await k(["get", "sidecarsets.v1beta1.apps.kruise.io", SS]);
    expect(table.split("\n")[0]).toMatch(/NAME\s+MATCHED\s+UPDATED\s+READY\s+AGE/);
    await waitFor("the v1beta1 SidecarSet's revision, with its custom version", async () => {
      const out = await k([
        "get",
        "controllerrevisions",
        "-n",
        ctlNs,
        "-l",
        `kruise.io/sidecarset-name=${SS}-beta,apps.kruise.io/sidecarset-custom-version=v7`,
        "-o",
        "name",
      ]);
      return out.trim() !== "";
    });
    await k(["delete", "sidecarset", `${SS}-beta`]);
  });

  it("injectionStrategy.revision Partial pins pods outside updateStrategy.selector; old revisions are truncated", async () => {
    const REV = `${SS}-rev`;
    const revSet = (image: string, version: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "SidecarSet",
      metadata: { name: REV },
      spec: {
        selector: { matchLabels: { app: `${APP}-rev` } },
        namespaceSelector: { matchLabels: { "sidecar-test": id } },
        customVersion: version,
        revisionHistoryLimit: 2,
        containers: [{ name: "rev", image, command: ["sleep", "3600"] }],
        ...extra,
      },
    });
    const revisionNames = async (): Promise<Record<string, string>> => {
      const out = JSON.parse(
        await k([
          "get",
          "controllerrevisions",
          "-n",
          ctlNs,
          "-l",
          `kruise.io/sidecarset-name=${REV}`,
          "-o",
          "json",
        ]),
      ) as { items: Array<{ metadata: { name: string; labels?: Record<string, string> } }> };
      return Object.fromEntries(
        out.items.map((r) => [
          r.metadata.labels?.["apps.kruise.io/sidecarset-custom-version"] ?? "",
          r.metadata.name,
        ]),
      );
    };
    await apply(revSet("nginx:2", "v1"));
    await waitFor("revision v1", async () => "v1" in (await revisionNames()));
    const pinnedUpdate = (image: string, version: string) =>
      revSet(image, version, {
        injectionStrategy: { revision: { customVersion: "v1", policy: "Partial" } },
        updateStrategy: { selector: { matchLabels: { canary: "true" } } },
      });
    await apply(pinnedUpdate("nginx:3", "v2"));
    await waitFor("revision v2 is the latest", async () => {
      const names = await revisionNames();
      return (
        "v2" in names &&
        (await k(["get", "sidecarset", REV, "-o", "jsonpath={.status.latestRevision}"])) === names["v2"]
      );
    });
    // Pods injected at once, each by the webhook entry of this SidecarSet.
    const injectedPod = async (name: string, labels: Record<string, string>) =>
      waitFor(`pod ${name} injected`, async () => {
        await kubectl(["apply", "-f", "-"], { input: JSON.stringify(bare(name, appNs, labels)) });
        const [p] = await pods(appNs, `app=${APP}-rev,role=${name}`);
        return p && names(p).includes("rev") ? p : false;
      });
    const stable = await injectedPod("stable", { app: `${APP}-rev`, role: "stable" });
    const canary = await injectedPod("canary", { app: `${APP}-rev`, role: "canary", canary: "true" });
    expect(image(stable, "rev")).toBe("nginx:2");
    expect(image(canary, "rev")).toBe("nginx:3");
    const v1 = (await revisionNames())["v1"]!;
    const stableHash = JSON.parse(
      stable.metadata?.annotations?.["kruise.io/sidecarset-hash"] ?? "{}",
    ) as Record<string, { controllerRevision?: string }>;
    expect(stableHash[REV]?.controllerRevision).toBe(v1);

    // v3: the canary pod is upgraded in place (it is in updateStrategy.selector), the stable one stays on v1.
    // Three revisions with a limit of 2: v2, which no pod uses any more, goes; v1 stays pinned.
    await apply(pinnedUpdate("nginx:4", "v3"));
    await waitFor(
      "the canary pod on nginx:4",
      async () => {
        const [p] = await pods(appNs, `app=${APP}-rev,role=canary`);
        if (p && runs(p, "rev", "nginx:4")) return true;
        throw new Error(
          `canary: ${JSON.stringify({ spec: p?.spec?.containers.map((c) => c.image), status: p?.status })}`,
        );
      },
      60_000,
      300,
    );
    await waitFor("revisions v1 and v3 only", async () => {
      const names = Object.keys(await revisionNames()).sort();
      if (names.join() === "v1,v3") return names;
      throw new Error(`revisions: ${names.join()}`);
    });
    const [still] = await pods(appNs, `app=${APP}-rev,role=stable`);
    expect(image(still!, "rev")).toBe("nginx:2");

    // Back to v1's spec: its revision is renumbered as the newest and is the latest again; none is created.
    await apply(pinnedUpdate("nginx:2", "v1"));
    await waitFor("v1's revision the latest again, numbered after v3's", async () => {
      const out = JSON.parse(
        await k([
          "get",
          "controllerrevisions",
          "-n",
          ctlNs,
          "-l",
          `kruise.io/sidecarset-name=${REV}`,
          "-o",
          "json",
        ]),
      ) as { items: Array<{ metadata: { name: string }; revision: number }> };
      const byName = new Map(out.items.map((r) => [r.metadata.name, r.revision]));
      const names = await revisionNames();
      const latest = await k(["get", "sidecarset", REV, "-o", "jsonpath={.status.latestRevision}"]);
      return out.items.length === 2 && latest === v1 && byName.get(v1)! > byName.get(names["v3"]!)!;
    });
    await k(["delete", "pod", "stable", "canary", "-n", appNs, "--wait=false"]);
    await k(["delete", "sidecarset", REV]);
  }, 150_000);

  it("resourcesPolicy sizes the sidecar from the pod's containers at creation, or refuses the pod saying why", async () => {
    const RES = `${SS}-res`;
    await apply({
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "SidecarSet",
      metadata: { name: RES },
      spec: {
        selector: { matchLabels: { app: `${APP}-res` } },
        namespaceSelector: { matchLabels: { "sidecar-test": id } },
        containers: [
          {
            name: "sized",
            image: "proxy:1",
            resourcesPolicy: {
              targetContainersMode: "sum",
              targetContainersNameRegex: "^engine-.*$",
              resourcesExpr: {
                limits: { cpu: "max(cpu*50%, 50m)", memory: "200Mi" },
                requests: { cpu: "max(cpu*50%, 50m)", memory: "100Mi" },
              },
            },
          },
        ],
      },
    });
    const engine = (name: string, cpu: string) => ({
      name,
      image: "nginx:1",
      resources: { limits: { cpu, memory: "256Mi" }, requests: { cpu, memory: "128Mi" } },
    });
    const sizedPod = (name: string, containers: unknown[]) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: appNs, labels: { app: `${APP}-res`, role: name } },
      spec: { containers },
    });
    const p = await waitFor("a pod with the sized sidecar", async () => {
      await kubectl(["apply", "-f", "-"], {
        input: JSON.stringify(sizedPod("sized", [engine("engine-a", "200m"), engine("engine-b", "400m")])),
      });
      const [got] = await pods(appNs, `app=${APP}-res,role=sized`);
      return got && names(got).includes("sized") ? got : false;
    });
    expect(p.spec?.containers.find((c) => c.name === "sized")?.resources).toEqual({
      limits: { cpu: "300m", memory: "200Mi" },
      requests: { cpu: "300m", memory: "100Mi" },
    });
    const r = await kubectl(["apply", "-f", "-"], {
      input: JSON.stringify(sizedPod("unsized", [{ name: "app", image: "nginx:1" }])),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`SidecarSet ${RES}: resourcesPolicy of sidecar container sized: no container`);
    await k(["delete", "pod", "sized", "-n", appNs, "--wait=false"]);
    await k(["delete", "sidecarset", RES]);
  });

  it("hot upgrade: the empty twin takes the new image and becomes the working one; the old one goes empty", async () => {
    const HOT = `${SS}-hot`;
    const hot = (img: string) => ({
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "SidecarSet",
      metadata: { name: HOT },
      spec: {
        selector: { matchLabels: { app: `${APP}-hot` } },
        containers: [
          {
            name: "mesh",
            image: img,
            command: ["sleep", "3600"],
            upgradeStrategy: { upgradeType: "HotUpgrade", hotUpgradeEmptyImage: "busybox:1" },
          },
        ],
      },
    });
    await apply(hot("busybox:1.36"));
    await waitFor(
      "a hot pod with both twins",
      async () => {
        await kubectl(["apply", "-f", "-"], {
          input: JSON.stringify(bare("hot", appNs, { app: `${APP}-hot` })),
        });
        const [p] = await pods(appNs, `app=${APP}-hot`);
        if (p && names(p).join() === "mesh-1,mesh-2,app" && runs(p, "mesh-1", "busybox:1.36")) return p;
        throw new Error(
          `hot pod: ${JSON.stringify({ containers: p && names(p), statuses: p?.status?.containerStatuses, anns: p?.metadata?.annotations })}`,
        );
      },
      25_000,
      300,
    );
    await apply(hot("busybox:1.37"));
    const done = await waitFor(
      "the working twin switched to mesh-2 on busybox:1.37, mesh-1 emptied",
      async () => {
        const [p] = await pods(appNs, `app=${APP}-hot`);
        const working = p?.metadata?.annotations?.["kruise.io/sidecarset-working-hotupgrade-container"];
        return p &&
          working === '{"mesh":"mesh-2"}' &&
          runs(p, "mesh-2", "busybox:1.37") &&
          image(p, "mesh-1") === "busybox:1"
          ? p
          : false;
      },
      25_000,
      200,
    );
    // The new twin's version is the SidecarSet's resourceVersion then; the old twin's is reset to 0.
    expect(Number(done.metadata?.annotations?.["version.sidecarset.kruise.io/mesh-2"])).toBeGreaterThan(1);
    expect(done.metadata?.annotations?.["version.sidecarset.kruise.io/mesh-1"]).toBe("0");
    expect(done.metadata?.annotations?.["versionalt.sidecarset.kruise.io/mesh-2"]).toBe("0");
    expect(done.status?.containerStatuses?.find((c) => c.name === "app")?.restartCount).toBe(0);
    await k(["delete", "sidecarset", HOT]);
  });

  it("with the controller stopped, an unselected pod is created at once and a selected one is refused by name", async () => {
    await controller!.stop();
    controller = undefined;
    const started = Date.now();
    await apply(bare("free", appNs, { app: "other" }));
    expect(Date.now() - started).toBeLessThan(5_000);
    const r = await kubectl(["apply", "-f", "-"], {
      input: JSON.stringify(bare("blocked", appNs, { app: APP })),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`SidecarSet ${SS} selects this pod`);
    expect(r.stderr).toContain(`kubectl patch sidecarset ${SS}`);
  });
});
