// Secure metrics against the real API server: /metrics answers only a token that TokenReview authenticates and
// SubjectAccessReview allows `get /metrics` (controller-runtime's WithAuthenticationAndAuthorization).
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestEnv, kubectl } from "@kruise/testenv/vitest";
import { Manager } from "../src/manager/index.ts";

let mgr: Manager | undefined;
let running: Promise<void> | undefined;
const suffix = Math.random().toString(36).slice(2, 8);
const reader = `metrics-reader-${suffix}`;
const stranger = `metrics-stranger-${suffix}`;
const ns = "default";

async function k(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

beforeAll(async () => {
  const objects = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: reader, namespace: ns } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: stranger, namespace: ns } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: reader },
      rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: reader },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: reader },
      subjects: [{ kind: "ServiceAccount", name: reader, namespace: ns }],
    },
  ];
  await k(["apply", "-f", "-"], objects.map((o) => JSON.stringify(o)).join("\n"));
  mgr = await Manager.create({
    name: "metrics-auth",
    kubeconfig: getTestEnv().kubeconfigPath,
    metricsBindAddress: "127.0.0.1:0",
    healthProbeBindAddress: "0",
    metricsAuth: true,
    logger: pino({ level: "silent" }),
  });
  running = mgr.start();
  await new Promise<void>((resolve) => {
    const poll = () => (mgr?.metricsPort !== undefined ? resolve() : setTimeout(poll, 20));
    poll();
  });
});

afterAll(async () => {
  await mgr?.stop();
  await running?.catch(() => undefined);
  await kubectl(["delete", "clusterrole,clusterrolebinding", reader, "--ignore-not-found"]);
  await kubectl(["delete", "serviceaccount", "-n", ns, reader, stranger, "--ignore-not-found"]);
});

const scrape = (token?: string): Promise<Response> =>
  fetch(`http://127.0.0.1:${mgr?.metricsPort}/metrics`, {
    headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
  });

describe("--metrics-auth", () => {
  it("401 without a token or with a forged one, 403 without the rule, 200 with get /metrics", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("not-a-real-token")).status).toBe(401);
    expect((await scrape(await k(["create", "token", stranger, "-n", ns]))).status).toBe(403);
    const ok = await scrape(await k(["create", "token", reader, "-n", ns]));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("process_cpu_seconds_total");
  });
});
