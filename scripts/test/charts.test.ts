// The Helm charts in charts/: generated parts match their sources, every chart lints and renders, the rendered RBAC
// is exactly each app's rbac.ts, and the charts install on the shared real control plane.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { createTestNamespace, getTestEnv, kubectl } from "@kruise/testenv/vitest";
import { discoverControllerApps } from "../charts/controller-apps.ts";
import { buildChartDependencies } from "../charts/dependencies.ts";
import type { PolicyRule } from "../charts/policy-rule.ts";
import {
  loadAppRbac,
  loadRbacRules,
  selectNamespacedRuleExport,
  selectRuleExport,
} from "../charts/rbac-rules.ts";
import { scopeRules } from "../charts/rule-scope.ts";

const root = resolve(import.meta.dirname, "../..");
const umbrella = join(root, "charts/kruise");
const apps = discoverControllerApps(join(root, "apps"));
const COMMAND_TIMEOUT_MS = 120_000;

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after COMMAND_TIMEOUT_MS); resolves on any exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((done) => {
    const child = spawn(command, args, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) => done({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.once("close", (code, signal) =>
      done({
        code: code ?? (signal === null ? 1 : 128),
        stdout,
        stderr: signal === null ? stderr : `${stderr}killed by ${signal}`,
      }),
    );
  });
}

const generator = (args: string[]): Promise<CommandResult> =>
  run(process.execPath, ["--conditions=@kruise/source", join(root, "scripts/charts/generate.ts"), ...args]);

// Helm keeps caches and repositories under these; a scratch home keeps the test off the user's own.
const helmHome = mkdtempSync(join(tmpdir(), "kruise-charts-helm-"));
const helmEnv: NodeJS.ProcessEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmHome, "cache"),
  HELM_CONFIG_HOME: join(helmHome, "config"),
  HELM_DATA_HOME: join(helmHome, "data"),
};
afterAll(() => rmSync(helmHome, { recursive: true, force: true }));
// The library chart goes into each subchart's charts/ the Helm way (npm run charts:deps), from today's sources.
beforeAll(() => {
  buildChartDependencies(root, join(getTestEnv().binDir, "helm"), helmEnv);
}, 120_000);

async function helm(args: string[]): Promise<CommandResult> {
  return run(join(getTestEnv().binDir, "helm"), args, helmEnv);
}

async function helmOk(args: string[]): Promise<string> {
  const result = await helm(args);
  if (result.code !== 0)
    throw new Error(`helm ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: PolicyRule[];
  spec?: Record<string, unknown>;
}

function manifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

const byJson = (rules: readonly PolicyRule[]): string[] => rules.map((rule) => JSON.stringify(rule)).sort();

describe("generated parts", () => {
  it("charts/ matches its sources (npm run charts:generate -- --check)", async () => {
    const result = await generator(["--check"]);
    expect(result.stdout + result.stderr).toContain("matches its sources");
    expect(result.code).toBe(0);
  });

  it("takes every app's rules from its rbacRules export", () => {
    const rule = { apiGroups: [""], resources: ["pods"], verbs: ["get"] };
    const other = { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] };
    const table: Array<{ exports: Record<string, unknown>; picks?: string; error?: RegExp }> = [
      { exports: { rbacRules: [rule], EXTRA: [other] }, picks: "rbacRules" },
      {
        exports: { CLONESET_RULES: [rule], READ: ["get"] },
        error: /src\/rbac\.ts has no export "rbacRules": .* \(rename CLONESET_RULES\)/,
      },
      { exports: { READ: ["get"] }, error: /src\/rbac\.ts has no export "rbacRules"/ },
      { exports: { rbacRules: ["pods"] }, error: /"rbacRules" must be an array/ },
      { exports: { rbacRules: [{ ...rule, verbs: [] }] }, error: /rbacRules\[0\]\.verbs is empty/ },
    ];
    for (const { exports, picks, error } of table) {
      if (error !== undefined) expect(() => selectRuleExport(exports, "apps/x/src/rbac.ts")).toThrow(error);
      else expect(selectRuleExport(exports, "apps/x/src/rbac.ts").name).toBe(picks);
    }
  });

  it("takes rules in named namespaces from the optional rbacNamespacedRules export, checked", () => {
    const rule = { apiGroups: [""], resources: ["secrets"], verbs: ["get"] };
    const where = "apps/x/src/rbac.ts";
    expect(selectNamespacedRuleExport({ rbacRules: [rule] }, where)).toEqual([]);
    expect(
      selectNamespacedRuleExport(
        { rbacNamespacedRules: [{ namespace: "kruise-daemon-config", rules: [rule] }] },
        where,
      ),
    ).toEqual([{ namespace: "kruise-daemon-config", rules: [rule] }]);
    const table: Array<[unknown, RegExp]> = [
      [
        { namespace: "Not_A_Name", rules: [rule] },
        /rbacNamespacedRules\[0\]\.namespace must be a namespace name/,
      ],
      [{ namespace: "ns", rules: [] }, /rbacNamespacedRules\[0\]\.rules must be a non-empty array/],
      [
        { namespace: "ns", rules: [{ ...rule, verbs: [] }] },
        /rbacNamespacedRules\[0\]\.rules\[0\]\.verbs is empty/,
      ],
    ];
    for (const [entry, error] of table)
      expect(() => selectNamespacedRuleExport({ rbacNamespacedRules: [entry] }, where)).toThrow(error);
    expect(() =>
      selectNamespacedRuleExport(
        {
          rbacNamespacedRules: [
            { namespace: "ns", rules: [rule] },
            { namespace: "ns", rules: [rule] },
          ],
        },
        where,
      ),
    ).toThrow(/names ns again/);
  });

  it("keeps only the leader Lease rules out of the ClusterRole", () => {
    const lease = {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["get", "create", "update"],
    };
    const mixed = { apiGroups: ["coordination.k8s.io", ""], resources: ["leases", "pods"], verbs: ["get"] };
    const pods = { apiGroups: [""], resources: ["pods"], verbs: ["list"] };
    expect(scopeRules([pods, lease, mixed])).toEqual({ cluster: [pods, mixed], releaseNamespace: [lease] });
  });
});

describe("the generator on a scratch repository", () => {
  let scratch: string;
  const demoRules = `export const rbacRules = [
  { apiGroups: ["apps.kruise.io"], resources: ["demos"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];\n`;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "kruise-charts-gen-"));
    mkdirSync(join(scratch, "apps/demo/src"), { recursive: true });
    writeFileSync(
      join(scratch, "apps/demo/package.json"),
      JSON.stringify({
        name: "demo",
        description: "The demo controller",
        kruise: { controller: "src/main.ts" },
      }),
    );
    writeFileSync(join(scratch, "apps/demo/src/rbac.ts"), demoRules);
    mkdirSync(join(scratch, "crds"));
    cpSync(
      join(root, "crds/clonesets.apps.kruise.io.yaml"),
      join(scratch, "crds/clonesets.apps.kruise.io.yaml"),
    );
    cpSync(join(root, "charts/kruise-common"), join(scratch, "charts/kruise-common"), { recursive: true });
    mkdirSync(join(scratch, "charts/kruise"), { recursive: true });
    cpSync(join(umbrella, "values.yaml"), join(scratch, "charts/kruise/values.yaml"));
    cpSync(join(umbrella, "templates"), join(scratch, "charts/kruise/templates"), { recursive: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("gives a new controller app a subchart that lints, renders its rules, and then checks clean", async () => {
    const before = await generator(["--check", "--root", scratch]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("charts/kruise/charts/demo/Chart.yaml: missing");

    expect((await generator(["--root", scratch])).code).toBe(0);
    const after = await generator(["--check", "--root", scratch]);
    expect(after.stdout).toContain("matches its sources");
    expect(after.code).toBe(0);

    const demoChart = join(scratch, "charts/kruise/charts/demo");
    expect(buildChartDependencies(scratch, join(getTestEnv().binDir, "helm"), helmEnv)).toEqual([demoChart]);
    await helmOk(["lint", "--strict", demoChart]);
    const rendered = manifests(await helmOk(["template", "d", demoChart, "--namespace", "ops"]));
    expect(rendered.find((m) => m.kind === "ClusterRole")?.rules).toEqual([
      { apiGroups: ["apps.kruise.io"], resources: ["demos"], verbs: ["get", "list", "watch"] },
    ]);
    expect(rendered.find((m) => m.kind === "Role")?.metadata?.namespace).toBe("ops");
    expect(readFileSync(join(scratch, "charts/kruise/Chart.yaml"), "utf8")).toContain(
      "condition: demo.enabled",
    );
  });

  it("reports changed, stale and orphan files, and repairs all but the orphan", async () => {
    await generator(["--root", scratch]);
    const rulesFile = join(scratch, "charts/kruise/charts/demo/rbac/cluster-rules.yaml");
    writeFileSync(rulesFile, "[]\n");
    writeFileSync(
      join(scratch, "charts/kruise/crds/gone.apps.kruise.io.yaml"),
      "kind: CustomResourceDefinition\n",
    );
    mkdirSync(join(scratch, "charts/kruise/charts/retired"));

    const check = await generator(["--check", "--root", scratch]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      "charts/kruise/charts/demo/rbac/cluster-rules.yaml: differs from its source",
    );
    expect(check.stdout).toContain("charts/kruise/crds/gone.apps.kruise.io.yaml: no longer has a source");
    expect(check.stdout).toContain("charts/kruise/charts/retired: is a subchart without a controller app");

    expect((await generator(["--root", scratch])).code).toBe(1);
    expect(readFileSync(rulesFile, "utf8")).toContain("demos");
    rmSync(join(scratch, "charts/kruise/charts/retired"), { recursive: true });
    expect((await generator(["--check", "--root", scratch])).code).toBe(0);
  });

  it("names the rbac.ts file when it has no rbacRules export", async () => {
    writeFileSync(join(scratch, "apps/demo/src/rbac.ts"), demoRules.replace("rbacRules", "DEMO_RULES"));
    const result = await generator(["--root", scratch]);
    writeFileSync(join(scratch, "apps/demo/src/rbac.ts"), demoRules);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apps/demo/src/rbac.ts has no export "rbacRules"');
  });
});

describe("helm lint and template", () => {
  it("lints the umbrella and every subchart", async () => {
    const charts = [umbrella, ...apps.map((app) => join(umbrella, "charts", app.name))];
    for (const chart of charts) {
      const result = await helm(["lint", "--strict", chart]);
      expect(result.code, `${chart}:\n${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it.each(apps.map((app) => app.name))(
    "renders %s's ClusterRole and Role from exactly its rbac.ts rules",
    async (name) => {
      const app = apps.find((candidate) => candidate.name === name);
      if (app === undefined) throw new Error(`no app ${name}`);
      const { rules: appRules, namespaced } = await loadAppRbac(app.rbacFile, root);
      const rendered = manifests(
        await helmOk(["template", "solo", join(umbrella, "charts", name), "--namespace", "kruise-system"]),
      );
      const clusterRules = rendered.find((m) => m.kind === "ClusterRole")?.rules ?? [];
      const roles = rendered.filter((m) => m.kind === "Role");
      const namespaceRules = roles.find((m) => m.metadata?.namespace === "kruise-system")?.rules ?? [];
      // Together they grant exactly the app's rules: nothing more, nothing less.
      expect(byJson([...clusterRules, ...namespaceRules])).toEqual(byJson(appRules));
      expect(clusterRules).toEqual(scopeRules(appRules).cluster);
      expect(clusterRules.some((rule) => rule.resources.includes("leases"))).toBe(false);
      // Each namespace the app names gets exactly its rules there, bound to the app's ServiceAccount.
      expect(
        roles
          .filter((m) => m.metadata?.namespace !== "kruise-system")
          .map((m) => ({ namespace: m.metadata?.namespace, rules: m.rules })),
      ).toEqual(namespaced);
      const bindings = rendered.filter((m) => m.kind === "RoleBinding") as Array<
        Manifest & { subjects?: Array<{ name: string; namespace: string }> }
      >;
      for (const { namespace } of namespaced)
        expect(bindings.find((b) => b.metadata?.namespace === namespace)?.subjects).toEqual([
          { kind: "ServiceAccount", name: `solo-${name}`, namespace: "kruise-system" },
        ]);
    },
  );

  it("renders every CRD of crds/ from the umbrella, and one controller per app", async () => {
    const crdNames = (dir: string): string[] => {
      const files = readdirYaml(dir);
      return files
        .flatMap((file) => manifests(readFileSync(file, "utf8")).map((m) => m.metadata?.name ?? ""))
        .sort();
    };
    const rendered = manifests(
      await helmOk(["template", "kr", umbrella, "--namespace", "kruise-system", "--include-crds"]),
    );
    const renderedCrds = rendered
      .filter((m) => m.kind === "CustomResourceDefinition")
      .map((m) => m.metadata?.name ?? "")
      .sort();
    expect(renderedCrds).toEqual(crdNames(join(root, "crds")));
    expect(renderedCrds.length).toBeGreaterThan(0);
    const named = (kind: string): Array<string | undefined> =>
      rendered
        .filter((m) => m.kind === kind)
        .map((m) => m.metadata?.name)
        .sort();
    expect(named("Deployment")).toEqual(apps.filter((app) => !app.perNode).map((app) => `kr-${app.name}`));
    // A node agent is a DaemonSet; the namespace the apps' namespaced rules name is the umbrella's, made once.
    expect(named("DaemonSet")).toEqual(apps.filter((app) => app.perNode).map((app) => `kr-${app.name}`));
    expect(apps.some((app) => app.perNode)).toBe(true);
    expect(named("Namespace")).toEqual(["kruise-daemon-config"]);
  });

  it("runs kruise-daemon on every node through the host's CRI socket, with Secrets only in kruise-daemon-config", async () => {
    const rendered = manifests(
      await helmOk([
        "template",
        "kr",
        umbrella,
        "-n",
        "ops",
        "--set",
        "kruise-daemon.criSocket=/var/run/k3s/containerd/containerd.sock",
      ]),
    );
    const daemonSet = rendered.find((m) => m.kind === "DaemonSet") as
      | {
          spec: {
            template: {
              spec: {
                serviceAccountName: string;
                tolerations: unknown[];
                securityContext: Record<string, unknown>;
                volumes: Array<{ name: string; hostPath?: { path: string; type: string } }>;
                containers: Array<{
                  args: string[];
                  env: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
                  volumeMounts: Array<{ name: string; mountPath: string }>;
                  securityContext: Record<string, unknown>;
                }>;
              };
            };
          };
        }
      | undefined;
    const pod = daemonSet?.spec.template.spec;
    const agent = pod?.containers[0];
    expect(pod?.volumes.find((v) => v.name === "cri-socket")?.hostPath).toEqual({
      path: "/var/run/k3s/containerd",
      type: "Directory",
    });
    expect(agent?.volumeMounts).toContainEqual({ name: "cri-socket", mountPath: "/host/cri" });
    expect(agent?.args).toEqual(
      expect.arrayContaining([
        "--node-name=$(NODE_NAME)",
        "--cri-endpoint=unix:///host/cri/containerd.sock",
        "--metrics-auth",
      ]),
    );
    expect(agent?.args.some((arg) => arg.startsWith("--leader-elect"))).toBe(false);
    expect(agent?.env.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe(
      "spec.nodeName",
    );
    expect(agent?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod?.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod?.serviceAccountName).toBe("kr-kruise-daemon");

    // Secrets: the agent reads them only in kruise-daemon-config; the ImagePullJob controller reads them anywhere
    // (a job's pull secrets) but writes them only there.
    const secretRules = (m: Manifest): PolicyRule[] =>
      (m.rules ?? []).filter((rule) => rule.resources.includes("secrets"));
    const of = (kind: string, name: string, namespace?: string): Manifest | undefined =>
      rendered.find(
        (m) =>
          m.kind === kind &&
          m.metadata?.name === name &&
          (namespace === undefined || m.metadata.namespace === namespace),
      );
    expect(secretRules(of("ClusterRole", "kr-kruise-daemon")!)).toEqual([]);
    expect(secretRules(of("Role", "kr-kruise-daemon", "kruise-daemon-config")!)).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
    ]);
    expect(secretRules(of("ClusterRole", "kr-imagepulljob")!)).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
    ]);
    expect(secretRules(of("Role", "kr-imagepulljob", "kruise-daemon-config")!)).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "delete"] },
    ]);

    const relative = await helm([
      "template",
      "kr",
      umbrella,
      "--set",
      "kruise-daemon.criSocket=run/containerd.sock",
    ]);
    expect(relative.code).not.toBe(0);
    expect(relative.stderr).toContain(
      'criSocket must be an absolute path on the node, got "run/containerd.sock"',
    );
  });

  it("says --leader-elect=false when leader election is turned off (the controllers default to on)", async () => {
    const rendered = manifests(
      await helmOk([
        "template",
        "kr",
        umbrella,
        "-n",
        "ops",
        "--set",
        "cloneset.leaderElection.enabled=false",
      ]),
    );
    const cloneset = rendered.find((m) => m.kind === "Deployment" && m.metadata?.name === "kr-cloneset");
    const args = (
      cloneset?.spec as { template: { spec: { containers: Array<{ args: string[] }> } } } | undefined
    )?.template.spec.containers[0]?.args;
    expect(args).toContain("--leader-elect=false");
    expect(args).not.toContain("--leader-elect");
  });

  it("wires the controller flags and the bundled NATS address", async () => {
    const rendered = manifests(
      await helmOk([
        "template",
        "kr",
        umbrella,
        "-n",
        "ops",
        "--set",
        "nats.enabled=true",
        "--set",
        "cloneset.featureGates.CloneSetShortHash=true",
      ]),
    );
    const cloneset = rendered.find((m) => m.kind === "Deployment" && m.metadata?.name === "kr-cloneset");
    const container = (
      cloneset?.spec as { template: { spec: { containers: Array<{ args: string[] }> } } } | undefined
    )?.template.spec.containers[0];
    expect(container?.args).toEqual([
      "--metrics-bind-address=:8080",
      "--metrics-auth",
      "--health-probe-bind-address=:8081",
      "--leader-elect",
      "--leader-election-namespace=ops",
      "--log-level=info",
      "--nats-url=$(NATS_URL)",
      "--nats-tls-ca=$(NATS_TLS_CA)",
      "--feature-gates=CloneSetShortHash=true",
    ]);
    // Metrics on every interface are served behind TokenReview + SubjectAccessReview: the delegator binding.
    const delegator = rendered.find(
      (m) => m.kind === "ClusterRoleBinding" && m.metadata?.name === "kr-cloneset-auth-delegator",
    ) as { roleRef?: { name?: string } } | undefined;
    expect(delegator?.roleRef?.name).toBe("system:auth-delegator");
    const eventBus = rendered.find((m) => m.kind === "ConfigMap") as
      { data?: Record<string, string> } | undefined;
    // TLS is on by default with the bundled server: tls://, and the CA file the controllers mount.
    expect(eventBus?.data?.["natsUrl"]).toBe("tls://kr-nats.ops.svc:4222");
    expect(eventBus?.data?.["natsTlsCa"]).toBe("/etc/kruise/nats-tls/ca.crt");
    expect(
      rendered
        .filter((m) => m.metadata?.name === "kr-nats")
        .map((m) => m.kind)
        .sort(),
    ).toEqual(["Service", "StatefulSet"]);
  });
});

describe("values an OpenKruise user brings, and typos", () => {
  const args = (rendered: Manifest[]) =>
    (
      rendered.find((m) => m.kind === "Deployment" && m.metadata?.name === "kr-cloneset")?.spec as
        { template: { spec: { containers: Array<{ args: string[] }> } } } | undefined
    )?.template.spec.containers[0]?.args;

  it('takes featureGates as OpenKruise\'s string "A=true,B=false" beside the map form', async () => {
    const asString = manifests(
      await helmOk(["template", "kr", umbrella, "--set", "cloneset.featureGates=A=true\\,B=false"]),
    );
    expect(args(asString)).toContain("--feature-gates=A=true,B=false");
    const asMap = manifests(
      await helmOk([
        "template",
        "kr",
        umbrella,
        "--set",
        "cloneset.featureGates.A=true,cloneset.featureGates.B=false",
      ]),
    );
    expect(args(asMap)).toContain("--feature-gates=A=true,B=false");
    const bad = await helm(["template", "kr", umbrella, "--set", "cloneset.featureGates=A=yes"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("at '/featureGates'");
  });

  it("renders the CRDs as templates kept on uninstall only with crds.managed", async () => {
    const crds = (rendered: Manifest[]) => rendered.filter((m) => m.kind === "CustomResourceDefinition");
    expect(crds(manifests(await helmOk(["template", "kr", umbrella])))).toEqual([]);
    const managed = crds(manifests(await helmOk(["template", "kr", umbrella, "--set", "crds.managed=true"])));
    expect(managed.map((m) => m.metadata?.name).sort()).toEqual(
      readdirYaml(join(root, "crds"))
        .flatMap((file) => manifests(readFileSync(file, "utf8")).map((m) => m.metadata?.name))
        .sort(),
    );
    for (const crd of managed)
      expect((crd.metadata as { annotations?: Record<string, string> }).annotations).toEqual({
        "helm.sh/resource-policy": "keep",
      });
  });

  it("points a CRD that converts by webhook at the release's conversion webhook Service, and only there", async () => {
    type Conversion = { strategy?: string; webhook?: { clientConfig?: Record<string, unknown> } };
    const conversions = async (args: string[]): Promise<Record<string, Conversion | undefined>> =>
      Object.fromEntries(
        manifests(await helmOk(["template", "kr", umbrella, "--set", "crds.managed=true", ...args]))
          .filter((m) => m.kind === "CustomResourceDefinition")
          .map((m) => [
            m.metadata?.name ?? "",
            (m as { spec?: { conversion?: Conversion } }).spec?.conversion,
          ]),
      );
    const inRelease = await conversions(["--namespace", "kruise-x"]);
    expect(inRelease["clonesets.apps.kruise.io"]).toEqual({
      strategy: "Webhook",
      webhook: {
        conversionReviewVersions: ["v1"],
        // url: null drops another address of a CRD being adopted (a merge patch); no caBundle: the webhook writes it.
        clientConfig: {
          service: { namespace: "kruise-x", name: "kruise-conversion-webhook", path: "/convert", port: 443 },
          url: null,
        },
      },
    });
    expect(inRelease["broadcastjobs.apps.kruise.io"]).toEqual({ strategy: "None" });
    const renamed = await conversions(["--set", "conversion-webhook.webhook.serviceName=convert"]);
    expect(renamed["clonesets.apps.kruise.io"]?.webhook?.clientConfig?.service).toMatchObject({
      namespace: "default",
      name: "convert",
    });
  });

  it.each([
    ["the umbrella", umbrella, "cloneset."],
    ["a controller chart alone", join(umbrella, "charts/cloneset"), ""],
  ])("fails helm install of %s on a typo or a wrong type, naming the value", async (_what, chart, prefix) => {
    const { kubeconfigPath } = getTestEnv();
    const install = (value: string) =>
      helm(["install", "typo", chart, "--kubeconfig", kubeconfigPath, "-n", "default", "--set", value]);
    const typo = await install(`${prefix}replica=3`);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain("additional properties 'replica' not allowed");
    const wrongType = await install(`${prefix}replicas=two`);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toContain("at '/replicas': got string, want integer");
    expect((await helm(["status", "typo", "--kubeconfig", kubeconfigPath, "-n", "default"])).code).not.toBe(
      0,
    );
  });
});

function readdirYaml(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => join(dir, name));
}

describe("on the real control plane", () => {
  it("installs the umbrella with --dry-run=server", { timeout: 180_000 }, async () => {
    const namespace = await createTestNamespace("charts-umbrella");
    const { kubeconfigPath } = getTestEnv();
    // The CRDs are already on the shared plane, and the deletion-protection policy is cluster-wide and may be
    // owned by another test: both stay out of this install.
    const result = await helm([
      "install",
      `kruise-${namespace.slice(-8)}`,
      umbrella,
      "--kubeconfig",
      kubeconfigPath,
      "--namespace",
      namespace,
      "--dry-run=server",
      "--skip-crds",
      "--set",
      "deletionProtection.enabled=false",
      "--set",
      "nats.enabled=true",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("STATUS: pending-install");
  });

  it("installs the cloneset chart on its own, then uninstalls it", { timeout: 180_000 }, async () => {
    const namespace = await createTestNamespace("charts-cloneset");
    const { kubeconfigPath } = getTestEnv();
    const release = `cs-${namespace.slice(-8)}`;
    const name = `${release}-cloneset`;
    const target = ["--kubeconfig", kubeconfigPath, "--namespace", namespace];
    await helmOk(["install", release, join(umbrella, "charts/cloneset"), ...target]);

    const namespaced = ["serviceaccount", "deployment", "service", "role", "rolebinding"].map(
      (kind) => `${kind}/${kind === "service" ? `${name}-metrics` : name}`,
    );
    const clusterScoped = [`clusterrole/${name}`, `clusterrolebinding/${name}`];
    const got = await kubectl(["get", "-n", namespace, ...namespaced, "-o", "name"]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.trim().split("\n")).toHaveLength(namespaced.length);
    const clusterRole = await kubectl(["get", ...clusterScoped, "-o", "json"]);
    expect(clusterRole.code, clusterRole.stderr).toBe(0);
    const items = (
      JSON.parse(clusterRole.stdout) as {
        items: Array<{
          kind: string;
          rules?: PolicyRule[];
          subjects?: Array<{ name: string; namespace: string }>;
        }>;
      }
    ).items;
    const appRules = await loadRbacRules(join(root, "apps/cloneset/src/rbac.ts"), root);
    expect(items.find((item) => item.kind === "ClusterRole")?.rules).toEqual(scopeRules(appRules).cluster);
    expect(items.find((item) => item.kind === "ClusterRoleBinding")?.subjects).toEqual([
      { kind: "ServiceAccount", name, namespace },
    ]);

    await helmOk(["uninstall", release, ...target, "--wait", "--timeout", "60s"]);
    const afterNamespaced = await kubectl([
      "get",
      "-n",
      namespace,
      ...namespaced,
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    const afterCluster = await kubectl(["get", ...clusterScoped, "--ignore-not-found", "-o", "name"]);
    expect(afterNamespaced.code, afterNamespaced.stderr).toBe(0);
    expect(afterCluster.code, afterCluster.stderr).toBe(0);
    expect(afterNamespaced.stdout.trim() + afterCluster.stdout.trim()).toBe("");
  });
});
