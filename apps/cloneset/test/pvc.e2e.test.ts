// CloneSet PVCs as OpenKruise handles them, against the real control plane (kube-controller-manager's host-path
// provisioner binds every claim): the volumeClaimTemplates hash each revision records, RecreatePodWhenChangeVCTInCloneSetGate
// (through the controller's --feature-gates flag; one controller with it on, one with it off, each watching its own
// namespace) and scaleStrategy.disablePVCReuse.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { active, getCloneSet, getPods, isReady, k } from "./support/kube.ts";

const VCT_HASH = "kruise.io/cloneset-volumeclaimtemplate-hash";
// Golden values from tools/revision-hash (vct-golden), for the same claim templates.
const vctGolden = (
  JSON.parse(
    readFileSync(
      new URL("../../../packages/workload/test/fixtures/revision-hash/vct-golden.json", import.meta.url),
      "utf8",
    ),
  ) as { cases: { name: string; annotations: Record<string, string> }[] }
).cases;
const goldenHash = (name: string): string | undefined =>
  vctGolden.find((c) => c.name === name)?.annotations[VCT_HASH];

let gateOn = "";
let gateOff = "";
const controllers: ControllerProcess[] = [];

beforeAll(async () => {
  const info = getTestEnv();
  gateOn = await createTestNamespace("cs-vct-on");
  gateOff = await createTestNamespace("cs-vct-off");
  controllers.push(
    startControllerProcess({
      kubeconfig: await controllerKubeconfig(info, gateOn),
      namespace: gateOn,
      extra: ["--feature-gates=RecreatePodWhenChangeVCTInCloneSetGate=true"],
    }),
    startControllerProcess({ kubeconfig: await controllerKubeconfig(info, gateOff), namespace: gateOff }),
  );
});
afterAll(async () => {
  for (const c of controllers) await c.stop();
});

interface Shape {
  replicas?: number;
  image?: string;
  storage?: string;
  type?: string;
  disablePVCReuse?: boolean;
  annotations?: Record<string, string>;
  claimName?: string;
}

function cloneSet(ns: string, name: string, s: Shape): string {
  return JSON.stringify({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: ns, ...(s.annotations !== undefined ? { annotations: s.annotations } : {}) },
    spec: {
      replicas: s.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: s.type ?? "InPlaceIfPossible" },
      ...(s.disablePVCReuse !== undefined ? { scaleStrategy: { disablePVCReuse: s.disablePVCReuse } } : {}),
      volumeClaimTemplates: [
        {
          metadata: { name: s.claimName ?? "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: s.storage ?? "1Gi" } } },
        },
      ],
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: s.image ?? "nginx:1" }] },
      },
    },
  });
}

/** The CloneSet's v1alpha1 spec changed by a merge patch (lists are replaced whole). */
async function change(ns: string, name: string, s: Shape): Promise<void> {
  const spec = (JSON.parse(cloneSet(ns, name, s)) as { spec: unknown }).spec;
  await k([
    "patch",
    "clonesets.v1alpha1.apps.kruise.io",
    name,
    "-n",
    ns,
    "--type=merge",
    "-p",
    JSON.stringify({ spec }),
  ]);
}

// A recreate waits for the old pods to go and for new claims to be provisioned and bound: under the full suite's
// load that took longer than waitFor's default 30 s once, and the test's 60 s bounds it (the same test takes 1.5 s alone). A timeout says what the
// pods, the claims and the controller were doing, so the next one can be read.
async function running(ns: string, name: string, n: number, image = "nginx:1"): Promise<Pod[]> {
  try {
    return await waitFor(
      `${n} ready ${image} pods of ${name}`,
      async () => {
        const ps = active(await getPods(ns, `app=${name}`));
        return ps.length === n && ps.every((p) => isReady(p) && p.spec?.containers[0]?.image === image)
          ? ps
          : undefined;
      },
      45_000,
    );
  } catch (error) {
    const pods = (await getPods(ns, `app=${name}`)).map(
      (p) =>
        `${p.metadata?.name ?? ""} ${p.status?.phase ?? "-"} ready=${String(isReady(p))} ` +
        `image=${p.spec?.containers[0]?.image ?? ""} node=${p.spec?.nodeName ?? "-"}` +
        (p.metadata?.deletionTimestamp !== undefined ? " terminating" : ""),
    );
    const pvcs = (await claims(ns, name)).map(
      (c) =>
        `${c.metadata?.name ?? ""} ${c.status?.phase ?? "-"}` +
        (c.metadata?.deletionTimestamp !== undefined ? " terminating" : ""),
    );
    const log = controllers.map((c) => c.output().split("\n").slice(-40).join("\n")).join("\n---\n");
    throw new Error(
      `${String(error)}\npods:\n${pods.join("\n")}\nclaims:\n${pvcs.join("\n")}\ncontroller logs:\n${log}`,
    );
  }
}

async function claims(ns: string, name: string): Promise<PersistentVolumeClaim[]> {
  return (
    JSON.parse(await k(["get", "pvc", "-n", ns, "-l", `app=${name}`, "-o", "json"])) as {
      items: PersistentVolumeClaim[];
    }
  ).items;
}

/** The claim each pod mounts (its `data` volume). */
function claimOf(pod: Pod): string {
  return pod.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName ?? "";
}

async function revision(ns: string, name: string): Promise<ControllerRevision> {
  return JSON.parse(
    await k(["get", "controllerrevision", name, "-n", ns, "-o", "json"]),
  ) as ControllerRevision;
}

async function settled(ns: string, name: string): Promise<void> {
  await waitFor(`${name} observed its generation`, async () => {
    const cs = await getCloneSet(ns, name);
    return cs.status?.observedGeneration === cs.metadata?.generation;
  });
}

const uids = (ps: Pod[]): string[] => ps.map((p) => p.metadata?.uid ?? "").sort();
const uidAndVersion = (ps: Pod[]): string[] =>
  ps.map((p) => `${p.metadata?.uid ?? ""}@${p.metadata?.resourceVersion ?? ""}`).sort();

describe("volumeClaimTemplates hash on revisions", () => {
  it("each revision records the CloneSet's annotations and the claim templates' hash, as OpenKruise writes them", async () => {
    // `create`, not `apply`: apply would add its last-applied annotation, which OpenKruise copies too.
    await k(
      ["create", "-f", "-"],
      cloneSet(gateOn, "vct-rev", {
        replicas: 1,
        storage: "20Gi",
        claimName: "data-vol",
        annotations: { team: "web" },
      }),
    );
    const name = await waitFor(
      "an update revision",
      async () => (await getCloneSet(gateOn, "vct-rev")).status?.updateRevision,
    );
    const want = goldenHash("the user manual's data claim, 20Gi");
    expect(want).toBe("16312009");
    expect((await revision(gateOn, name)).metadata?.annotations).toEqual({ team: "web", [VCT_HASH]: want });
  });
});

describe("RecreatePodWhenChangeVCTInCloneSetGate on", () => {
  it("an image and claim change recreates the pods with new claims, and deletes the old claims", async () => {
    await k(["create", "-f", "-"], cloneSet(gateOn, "vct-up", {}));
    const before = await running(gateOn, "vct-up", 2);
    const oldClaims = before.map(claimOf);
    const oldHash = (
      await revision(gateOn, (await getCloneSet(gateOn, "vct-up")).status?.updateRevision ?? "")
    ).metadata?.annotations?.[VCT_HASH];

    await change(gateOn, "vct-up", { image: "nginx:2", storage: "2Gi" });
    const after = await running(gateOn, "vct-up", 2, "nginx:2");
    expect(uids(after).some((u) => uids(before).includes(u))).toBe(false);
    const cs = await getCloneSet(gateOn, "vct-up");
    expect(
      (await revision(gateOn, cs.status?.updateRevision ?? "")).metadata?.annotations?.[VCT_HASH],
    ).not.toBe(oldHash);
    await waitFor("new 2Gi claims only, the old ones gone", async () => {
      const live = (await claims(gateOn, "vct-up")).filter(
        (c) => c.metadata?.deletionTimestamp === undefined,
      );
      const names = live.map((c) => c.metadata?.name ?? "").sort();
      return JSON.stringify(names) === JSON.stringify(after.map(claimOf).sort()) &&
        live.every((c) => c.spec?.resources?.requests?.["storage"] === "2Gi") &&
        (await claims(gateOn, "vct-up")).every((c) => !oldClaims.includes(c.metadata?.name ?? ""))
        ? names
        : undefined;
    });
  });

  it("a claim-only change touches no pod; the next template change recreates them", async () => {
    const before = await running(gateOn, "vct-up", 2, "nginx:2");
    const revName = (await getCloneSet(gateOn, "vct-up")).status?.updateRevision ?? "";
    const revHash = (await revision(gateOn, revName)).metadata?.annotations?.[VCT_HASH];

    await change(gateOn, "vct-up", { image: "nginx:2", storage: "3Gi" });
    await settled(gateOn, "vct-up");
    // Let a straggling write land before comparing.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(uidAndVersion(active(await getPods(gateOn, "app=vct-up")))).toEqual(uidAndVersion(before));
    // No new revision, and (as OpenKruise) the newest one keeps the hash it was recorded with.
    expect((await getCloneSet(gateOn, "vct-up")).status?.updateRevision).toBe(revName);
    expect((await revision(gateOn, revName)).metadata?.annotations?.[VCT_HASH]).toBe(revHash);

    await change(gateOn, "vct-up", { image: "nginx:1", storage: "3Gi" });
    const after = await running(gateOn, "vct-up", 2, "nginx:1");
    expect(uids(after).some((u) => uids(before).includes(u))).toBe(false);
    const live = (await claims(gateOn, "vct-up")).filter((c) =>
      after.map(claimOf).includes(c.metadata?.name ?? ""),
    );
    expect(live.map((c) => c.spec?.resources?.requests?.["storage"])).toEqual(["3Gi", "3Gi"]);
  });
});

describe("RecreatePodWhenChangeVCTInCloneSetGate off (the default)", () => {
  it("an image and claim change updates the pods in place, and they keep their claims", async () => {
    await k(["create", "-f", "-"], cloneSet(gateOff, "vct-off", {}));
    const before = await running(gateOff, "vct-off", 2);
    await change(gateOff, "vct-off", { image: "nginx:2", storage: "2Gi" });
    const after = await running(gateOff, "vct-off", 2, "nginx:2");
    expect(uids(after)).toEqual(uids(before));
    expect(after.map(claimOf).sort()).toEqual(before.map(claimOf).sort());
    const live = await claims(gateOff, "vct-off");
    expect(live.map((c) => c.spec?.resources?.requests?.["storage"])).toEqual(["1Gi", "1Gi"]);
  });
});

describe("scaleStrategy.disablePVCReuse", () => {
  it("a ReCreate update gives the new pods new claims and deletes the old ones", async () => {
    await k(
      ["create", "-f", "-"],
      cloneSet(gateOff, "noreuse-re", { type: "ReCreate", disablePVCReuse: true }),
    );
    const before = await running(gateOff, "noreuse-re", 2);
    const oldClaims = before.map(claimOf);
    await change(gateOff, "noreuse-re", { type: "ReCreate", disablePVCReuse: true, image: "nginx:2" });
    const after = await running(gateOff, "noreuse-re", 2, "nginx:2");
    expect(after.map(claimOf).some((c) => oldClaims.includes(c))).toBe(false);
    await waitFor("the old claims deleted", async () =>
      (await claims(gateOff, "noreuse-re")).every((c) => !oldClaims.includes(c.metadata?.name ?? "")),
    );
  });

  it("a Failed pod's claims pass to the pod itself, and its replacement gets new ones", async () => {
    await k(["create", "-f", "-"], cloneSet(gateOff, "noreuse-failed", { disablePVCReuse: true }));
    const [victim] = await running(gateOff, "noreuse-failed", 2);
    const name = victim?.metadata?.name ?? "";
    const claim = claimOf(victim as Pod);
    // Freeze the pod in the simulated kubelet, then mark it Failed as a kubelet would after an eviction.
    await k(["annotate", "pod", "-n", gateOff, name, "testenv.kruise.io/hold=true"]);
    await k([
      "patch",
      "pod",
      "-n",
      gateOff,
      name,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: { phase: "Failed", reason: "Evicted" } }),
    ]);
    const owners = await waitFor("the Failed pod's claim owned by the pod", async () => {
      const c = (await claims(gateOff, "noreuse-failed")).find((x) => x.metadata?.name === claim);
      const refs = c?.metadata?.ownerReferences ?? [];
      return refs.some((r) => r.kind === "Pod") ? refs : undefined;
    });
    expect(owners).toEqual([
      {
        apiVersion: "v1",
        kind: "Pod",
        name,
        uid: victim?.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const replacement = await waitFor("a replacement with its own claim", async () => {
      const ps = active(await getPods(gateOff, "app=noreuse-failed")).filter(
        (p) => p.status?.phase !== "Failed" && isReady(p),
      );
      return ps.length === 2 ? ps : undefined;
    });
    expect(replacement.map(claimOf)).not.toContain(claim);
    expect((await getCloneSet(gateOff, "noreuse-failed")).status?.conditions ?? []).not.toContainEqual(
      expect.objectContaining({ type: "FailedScale" }),
    );
    // The claim goes with its pod (garbage collection).
    await k(["annotate", "pod", "-n", gateOff, name, "testenv.kruise.io/hold-"]);
    await k(["delete", "pod", "-n", gateOff, name, "--wait=false"]);
    await waitFor("the Failed pod's claim gone with it", async () =>
      (await claims(gateOff, "noreuse-failed")).every(
        (c) => c.metadata?.name !== claim || c.metadata?.deletionTimestamp !== undefined,
      ),
    );
  });
});
