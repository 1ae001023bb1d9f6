// Real nodes (kubelet + containerd + runc + CNI) beside a simulated one, on one control plane of their
// own: pods really run (probes, logs, exec, restarts, volumes, Services, cluster DNS), a CloneSet updates a real
// pod in place, a missing image fails alike on both kinds of node, and stop() leaves the host clean.
// On a machine that cannot run real nodes (not Linux, not root, packages missing) it skips, saying why.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  findBinaries,
  realNodeSupport,
  REAL_NODE_LABEL,
  SIMULATED_NODE_LABEL,
  startControlPlane,
  type ControlPlane,
} from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { inClusterSuite } from "./in-cluster-suite.ts";

const root = resolve(import.meta.dirname, "../..");

async function checkSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.KRUISE_TESTENV === "off") return { ok: false, reason: "KRUISE_TESTENV=off" };
  try {
    return realNodeSupport(await findBinaries());
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}
const support = await checkSupport();

/** What of the host a real node touches, for the clean-stop check. */
function hostState(slot: string, workDir: string) {
  const cgroupDirs = readdirSync("/sys/fs/cgroup").flatMap((controller) => {
    const dir = join("/sys/fs/cgroup", controller);
    try {
      return readdirSync(dir)
        .filter((name) => name.startsWith(`kruise-testenv-${slot}-`))
        .map((n) => join(dir, n));
    } catch {
      return [];
    }
  });
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(workDir));
  const links = readdirSync("/sys/class/net").filter((name) => name.startsWith(`krts${slot}n`));
  const processes = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(join("/proc", entry, "cmdline"), "utf8").includes(workDir);
      } catch {
        return false;
      }
    });
  return { cgroupDirs, mounts, links, processes };
}

function sysctl(key: string): string {
  return readFileSync(join("/proc/sys", key), "utf8").trim();
}

const SYSCTLS = ["vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops", "net/ipv4/ip_forward"];

describe.skipIf(!support.ok)("real nodes", { timeout: 240_000 }, () => {
  let plane: ControlPlane;
  let ns = "";
  let controller: ChildProcess | undefined;
  // The host's own values: while another test file's real node is up they are changed, and testenv keeps the
  // originals it will restore in sysctls.json; read live values only when no real node has recorded them.
  const recorded = "/run/kruise-testenv/sysctls.json";
  const originals = existsSync(recorded)
    ? (JSON.parse(readFileSync(recorded, "utf8")) as Record<string, string>)
    : {};
  const sysctlsBefore = Object.fromEntries(SYSCTLS.map((key) => [key, originals[key] ?? sysctl(key)]));

  beforeAll(async () => {
    plane = await startControlPlane({ nodes: 1, realNodes: 1, nats: false });
    ns = `real-${Math.random().toString(16).slice(2, 8)}`;
    await kubectlOk(["create", "namespace", ns]);
    // The ServiceAccount admission plugin runs here: a pod needs its namespace's "default" ServiceAccount.
    await waitFor("the namespace's default ServiceAccount", async () => {
      const result = await plane.kubectl(["get", "serviceaccount", "default", "-n", ns]);
      return result.code === 0;
    });
  }, 240_000);

  afterAll(async () => {
    controller?.kill("SIGKILL");
    await plane?.stop();
  });

  async function kubectlOk(args: string[], input?: string): Promise<string> {
    const result = await plane.kubectl(args, input === undefined ? undefined : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  }
  const apply = (manifest: object): Promise<string> =>
    kubectlOk(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest));
  const getPod = async (name: string): Promise<Pod> =>
    JSON.parse(await kubectlOk(["get", "pod", name, "-n", ns, "-o", "json"])) as Pod;
  const ready = (pod: Pod): boolean =>
    pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const waitReady = (name: string, ms = 90_000): Promise<Pod> =>
    waitFor(
      `pod ${name} Ready`,
      async () => {
        const pod = await getPod(name);
        return ready(pod) ? pod : undefined;
      },
      ms,
    );
  const digest = async (repo: string, tag: string): Promise<string> => {
    const response = await fetch(`${plane.registry!.url}/v2/${repo}/manifests/${tag}`, {
      method: "HEAD",
      headers: {
        Accept:
          "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
      },
    });
    return response.headers.get("docker-content-digest") ?? "none";
  };
  const onReal = { nodeSelector: { [REAL_NODE_LABEL]: "true" } };
  const onSimulated = { nodeSelector: { [SIMULATED_NODE_LABEL]: "true" } };

  it("registers a Ready real node with its label, beside the simulated one", async () => {
    expect(plane.realNodes).toEqual(["testenv-real-0"]);
    const nodes = JSON.parse(
      await kubectlOk(["get", "nodes", "-l", `${REAL_NODE_LABEL}=true`, "-o", "json"]),
    ) as {
      items: Array<{ status?: { nodeInfo?: { containerRuntimeVersion?: string } } }>;
    };
    expect(nodes.items).toHaveLength(1);
    expect(nodes.items[0]?.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
  });

  it("runs a pod Ready with a readiness probe; logs and exec work; imageID is the registry's digest; delete completes", async () => {
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        ...onReal,
        containers: [
          {
            name: "nginx",
            image: "nginx:1.25",
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1 },
          },
        ],
      },
    });
    const pod = await waitReady("web");
    expect(pod.status?.containerStatuses?.[0]?.imageID).toBe(
      `docker.io/library/nginx@${await digest("library/nginx", "1.25")}`,
    );
    expect(await kubectlOk(["exec", "-n", ns, "web", "--", "wget", "-qO-", "http://127.0.0.1/"])).toContain(
      "nginx:1.25",
    );
    const logs = await waitFor("the probe's requests in kubectl logs", async () => {
      const out = await kubectlOk(["logs", "-n", ns, "web"]);
      return out.includes("GET / HTTP/1.1") ? out : undefined;
    });
    expect(logs).toContain("kube-probe");
  });

  it("reaches a Service from a pod through kube-proxy", async (context) => {
    // iptables is one per host: with another control plane's real nodes running, that one has kube-proxy.
    const lock = "/run/kruise-testenv/kube-proxy";
    if (!existsSync(lock) || readFileSync(lock, "utf8").trim() !== String(process.pid)) {
      context.skip("another control plane on this host runs the host's kube-proxy");
    }
    await apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 8080, targetPort: 80 }] },
    });
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "client" },
      spec: { ...onReal, containers: [{ name: "sh", image: "busybox:1.36", command: ["sleep", "3600"] }] },
    });
    await waitReady("client");
    // First by its ClusterIP, which only kube-proxy's rules serve.
    const ip = (await kubectlOk(["get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}"])).trim();
    const body = await waitFor(
      "the Service answers",
      async () => {
        const result = await plane.kubectl([
          "exec",
          "-n",
          ns,
          "client",
          "--",
          "wget",
          "-qO-",
          `http://${ip}:8080/`,
        ]);
        return result.code === 0 ? result.stdout : undefined;
      },
      60_000,
    );
    expect(body).toContain("nginx:1.25");
    // The cluster DNS (testenv's CoreDNS, the kubelet's clusterDNS) resolves the Service's names as in any
    // cluster: the short name through the pod's search list, and the namespaced one.
    const resolv = await kubectlOk(["exec", "-n", ns, "client", "--", "cat", "/etc/resolv.conf"]);
    expect(resolv).toContain(`nameserver ${plane.clusterDns}`);
    expect(resolv).toContain(`search ${ns}.svc.cluster.local svc.cluster.local cluster.local`);
    for (const name of ["web", `web.${ns}.svc`, `web.${ns}.svc.cluster.local`]) {
      const byName = await kubectlOk([
        "exec",
        "-n",
        ns,
        "client",
        "--",
        "wget",
        "-qO-",
        `http://${name}:8080/`,
      ]);
      expect(byName, name).toContain("nginx:1.25");
    }
    await kubectlOk(["delete", "pod", "web", "client", "-n", ns, "--wait=true", "--timeout=60s"]);
  });

  it("lets a pod read the API through the kubernetes Service with its ServiceAccount token, as RBAC allows", async (context) => {
    const lock = "/run/kruise-testenv/kube-proxy";
    if (!existsSync(lock) || readFileSync(lock, "utf8").trim() !== String(process.pid)) {
      context.skip("another control plane on this host runs the host's kube-proxy");
    }
    const endpoint = JSON.parse(
      await kubectlOk(["get", "endpoints", "kubernetes", "-n", "default", "-o", "json"]),
    ) as { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> };
    expect(
      `https://${endpoint.subsets?.[0]?.addresses?.[0]?.ip}:${endpoint.subsets?.[0]?.ports?.[0]?.port}`,
    ).toBe(plane.server);
    await apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reader" } });
    await apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
    });
    await apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace: ns }],
    });
    // The control plane's kubectl (a static Go binary) as the in-cluster client: with no kubeconfig it uses
    // client-go's in-cluster config, the Service's env vars, the projected token and ca.crt, and verifies the
    // serving certificate for 10.0.0.1 (the certificate names kubernetes.default.svc too).
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "api-client" },
      spec: {
        ...onReal,
        serviceAccountName: "reader",
        containers: [
          {
            name: "sh",
            image: "busybox:1.36",
            command: ["sleep", "3600"],
            volumeMounts: [{ name: "kubectl", mountPath: "/opt/kubectl", readOnly: true }],
          },
        ],
        volumes: [
          { name: "kubectl", hostPath: { path: realpathSync(join(plane.binDir, "kubectl")), type: "File" } },
        ],
      },
    });
    await waitReady("api-client");
    const inPod = (...args: string[]) => plane.kubectl(["exec", "-n", ns, "api-client", "--", ...args]);
    const own = await waitFor(
      "the pod lists its namespace's pods",
      async () => {
        const result = await inPod("/opt/kubectl", "get", "pods", "-o", "name");
        return result.code === 0 ? result.stdout : undefined;
      },
      60_000,
    );
    expect(own.trim()).toBe("pod/api-client");
    const other = await inPod("/opt/kubectl", "get", "pods", "-n", "kube-system");
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(
      `User "system:serviceaccount:${ns}:reader" cannot list resource "pods" in API group "" in the namespace "kube-system"`,
    );
    const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
    expect((await inPod("cat", `${sa}/ca.crt`, `${sa}/namespace`)).stdout).toBe(
      `${plane.caData.trimEnd()}\n${ns}`,
    );
    await kubectlOk(["delete", "pod", "api-client", "-n", ns, "--wait=true", "--timeout=60s"]);
  });

  it("restarts a crashing container: restartCount rises, the previous logs are kept", async () => {
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "crashy" },
      spec: {
        ...onReal,
        containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo boom; exit 3"] }],
      },
    });
    const pod = await waitFor(
      "restartCount >= 2",
      async () => {
        const current = await getPod("crashy");
        return (current.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? current : undefined;
      },
      120_000,
    );
    const status = pod.status?.containerStatuses?.[0];
    expect(status?.lastState?.terminated?.exitCode).toBe(3);
    await waitFor("the last instance's output in kubectl logs --previous", async () => {
      const result = await plane.kubectl(["logs", "-n", ns, "crashy", "--previous"]);
      return result.code === 0 && result.stdout.includes("boom");
    });
  });

  it("fails a missing image with ErrImagePull on a real node and on a simulated node alike", async () => {
    for (const [name, placement] of [
      ["missing-real", onReal],
      ["missing-sim", onSimulated],
    ] as const) {
      await apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { ...placement, containers: [{ name: "c", image: "nginx:no-such-tag" }] },
      });
    }
    for (const name of ["missing-real", "missing-sim"]) {
      const waiting = await waitFor(
        `${name} ErrImagePull`,
        async () => {
          const reason = (await getPod(name)).status?.containerStatuses?.[0]?.state?.waiting?.reason;
          return reason === "ErrImagePull" || reason === "ImagePullBackOff" ? reason : undefined;
        },
        120_000,
      );
      expect(["ErrImagePull", "ImagePullBackOff"]).toContain(waiting);
    }
  });

  it("binds claims on both kinds of node; on the real node the volume survives an in-place restart", async () => {
    for (const [name, placement] of [
      ["data-real", onReal],
      ["data-sim", onSimulated],
    ] as const) {
      await apply({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Mi" } } },
      });
      await apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `pod-${name}` },
        spec: {
          ...placement,
          containers: [
            {
              name: "c",
              image: "busybox:1.36",
              command: ["sh", "-c", "echo started >> /data/log; exec sleep 3600"],
              volumeMounts: [{ name: "d", mountPath: "/data" }],
            },
          ],
          volumes: [{ name: "d", persistentVolumeClaim: { claimName: name } }],
        },
      });
    }
    await waitReady("pod-data-sim");
    const before = await waitReady("pod-data-real");
    await kubectlOk(["exec", "-n", ns, "pod-data-real", "--", "sh", "-c", "echo written > /data/file"]);
    await kubectlOk([
      "patch",
      "pod",
      "pod-data-real",
      "-n",
      ns,
      "--type=strategic",
      "-p",
      JSON.stringify({ spec: { containers: [{ name: "c", image: "busybox:1.37" }] } }),
    ]);
    const after = await waitFor(
      "restarted on busybox:1.37",
      async () => {
        const pod = await getPod("pod-data-real");
        const status = pod.status?.containerStatuses?.[0];
        return status?.image.endsWith("busybox:1.37") && status.restartCount === 1 && ready(pod)
          ? pod
          : undefined;
      },
      90_000,
    );
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(await kubectlOk(["exec", "-n", ns, "pod-data-real", "--", "cat", "/data/file", "/data/log"])).toBe(
      "written\nstarted\nstarted\n",
    );
  });

  it("updates a CloneSet pod on the real node in place: same UID and IP, the new image's digest", async () => {
    const main = join(root, "apps/cloneset/src/main.ts");
    controller = spawn(
      process.execPath,
      [
        "--conditions=@kruise/source",
        main,
        `--kubeconfig=${plane.kubeconfigPath}`,
        `--namespace=${ns}`,
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
        "--leader-elect=false",
      ],
      { stdio: "ignore" },
    );
    const cloneSet = (image: string) => ({
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "CloneSet",
      metadata: { name: "demo" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "cs" } },
        updateStrategy: { type: "InPlaceIfPossible" },
        template: {
          metadata: { labels: { app: "cs" } },
          spec: { ...onReal, containers: [{ name: "nginx", image, ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    await apply(cloneSet("nginx:alpine"));
    const listPods = async (): Promise<Pod[]> =>
      (
        JSON.parse(await kubectlOk(["get", "pods", "-n", ns, "-l", "app=cs", "-o", "json"])) as {
          items: Pod[];
        }
      ).items;
    const [before] = await waitFor(
      "a Ready CloneSet pod",
      async () => {
        const pods = await listPods();
        return pods.length === 1 && pods.every(ready) ? pods : undefined;
      },
      120_000,
    );
    await apply(cloneSet("nginx:1.7.9"));
    const [after] = await waitFor(
      "the pod restarted in place on nginx:1.7.9",
      async () => {
        const pods = await listPods();
        const status = pods[0]?.status?.containerStatuses?.[0];
        return pods.length === 1 &&
          status?.image.endsWith("nginx:1.7.9") &&
          status.restartCount === 1 &&
          ready(pods[0]!)
          ? pods
          : undefined;
      },
      120_000,
    );
    expect(after?.metadata?.uid).toBe(before?.metadata?.uid);
    expect(after?.status?.podIP).toBe(before?.status?.podIP);
    expect(after?.status?.containerStatuses?.[0]?.imageID).toBe(
      `docker.io/library/nginx@${await digest("library/nginx", "1.7.9")}`,
    );
  });

  inClusterSuite({
    plane: () => plane,
    kubectlOk,
    beforeInstall: () => {
      // One CloneSet controller only: the in-cluster one. The walkthrough's pods go to the real node.
      controller?.kill("SIGKILL");
      controller = undefined;
    },
  });

  it("marks the node Unknown when its kubelet stops posting status (node lifecycle), Ready when it resumes", async () => {
    const kubelet = plane.processes().find((proc) => proc.name === "kubelet (testenv-real-0)");
    expect(kubelet).toBeDefined();
    const readyCondition = async () => {
      const node = JSON.parse(await kubectlOk(["get", "node", "testenv-real-0", "-o", "json"])) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
      };
      return node.status?.conditions?.find((c) => c.type === "Ready");
    };
    // A frozen kubelet renews neither its Lease nor its status; kube-controller-manager's grace period is 50 s.
    process.kill(kubelet!.pid, "SIGSTOP");
    try {
      const unknown = await waitFor(
        "Ready=Unknown on the frozen node",
        async () => {
          const condition = await readyCondition();
          return condition?.status === "Unknown" ? condition : undefined;
        },
        120_000,
        1_000,
      );
      expect(unknown.reason).toBe("NodeStatusUnknown");
    } finally {
      process.kill(kubelet!.pid, "SIGCONT");
    }
    await waitFor("Ready=True again", async () => (await readyCondition())?.status === "True", 60_000, 500);
  });

  it("stop() leaves nothing behind: processes, mounts, addresses, bridge, cgroup dirs, sysctls", async () => {
    controller?.kill("SIGKILL");
    const nodeIP = JSON.parse(await kubectlOk(["get", "node", "testenv-real-0", "-o", "json"])) as {
      status?: { addresses?: Array<{ type: string; address: string }> };
    };
    const ip = nodeIP.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
    const slot = ip.split(".")[2] ?? "";
    const workDir = plane.workDir;
    expect(hostState(slot, workDir).processes.length).toBeGreaterThan(0);
    await plane.stop();
    expect(hostState(slot, workDir)).toEqual({ cgroupDirs: [], mounts: [], links: [], processes: [] });
    expect(readFileSync("/proc/net/fib_trie", "utf8")).not.toContain(ip);
    expect(readFileSync("/proc/net/fib_trie", "utf8")).not.toContain(new URL(plane.server).hostname);
    expect(existsSync(workDir)).toBe(false);
    const others =
      existsSync("/run/kruise-testenv") &&
      readdirSync("/run/kruise-testenv").some((f) => f.startsWith("slot-"));
    if (!others) {
      expect(Object.fromEntries(SYSCTLS.map((key) => [key, sysctl(key)]))).toEqual(sysctlsBefore);
      const rules = await new Promise<string>((done) =>
        execFile("iptables-save", [], (_error, stdout) => done(stdout)),
      );
      expect(rules.split("\n").filter((line) => line.includes("KUBE-"))).toEqual([]);
    }
  });
});

if (!support.ok) it.skip(`real nodes: ${support.reason}`, () => {});
