import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corednsReadyUrl, corednsSpec } from "../src/components/coredns.ts";
import { apiserverSpec } from "../src/components/kube-apiserver.ts";
import { controllerManagerSpec } from "../src/components/kube-controller-manager.ts";
import { kubeletConfig } from "../src/realnode/configs.ts";
import { apiserverAddress, clusterDnsAddress, realNodeLayout } from "../src/realnode/layout.ts";

const config = {
  binDir: "/bin",
  workDir: "/work",
  kubeconfigPath: "/kc",
  port: 1234,
  rootCaFile: "/work/ca.crt",
  inCluster: false,
};

describe("kube-controller-manager arguments", () => {
  it("keeps the binary's own client rate unless one is given", () => {
    const args = controllerManagerSpec(config).args;
    expect(args.some((a) => a.startsWith("--kube-api-qps"))).toBe(false);
    expect(args).toContain("--secure-port=1234");
  });

  it("passes a given client rate as --kube-api-qps/--kube-api-burst", () => {
    const args = controllerManagerSpec({ ...config, rate: { qps: 100, burst: 200 } }).args;
    expect(args).toContain("--kube-api-qps=100");
    expect(args).toContain("--kube-api-burst=200");
  });
});

describe("pods that reach the API server", () => {
  const apiserver = (address: string) =>
    apiserverSpec({
      binDir: "/bin",
      workDir: "/work",
      port: 6443,
      etcdUrl: "http://127.0.0.1:2379",
      credentials: {
        adminToken: "t",
        users: [],
        tokenFile: "/work/tokens.csv",
        serviceAccountPublicKey: "/work/sa.pub",
        serviceAccountPrivateKey: "/work/sa.key",
      },
      benchmarkMode: false,
      watchCache: true,
      address,
    }).args;

  it("on 127.0.0.1 (simulated nodes only): no ServiceAccount admission, no kubernetes endpoints", () => {
    const args = apiserver("127.0.0.1");
    expect(args).toContain("--disable-admission-plugins=ServiceAccount");
    expect(args).toContain("--endpoint-reconciler-type=none");
    expect(args).toContain("--cert-dir=/work/apiserver-certs");
  });

  it("on a node-routable address: ServiceAccount admission and the address as the kubernetes endpoint", () => {
    const args = apiserver("10.99.1.254");
    expect(args.some((a) => a.startsWith("--disable-admission-plugins"))).toBe(false);
    expect(args.some((a) => a.startsWith("--endpoint-reconciler-type"))).toBe(false);
    expect(args).toEqual(
      expect.arrayContaining([
        "--bind-address=10.99.1.254",
        "--advertise-address=10.99.1.254",
        "--cert-dir=/work/apiserver-certs-10.99.1.254",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      ]),
    );
  });

  it("kube-controller-manager publishes kube-root-ca.crt only for such pods", () => {
    const publisher = "root-ca-certificate-publisher-controller";
    const controllers = (inCluster: boolean) =>
      controllerManagerSpec({ ...config, inCluster }).args.find((a) => a.startsWith("--controllers=")) ?? "";
    expect(controllers(false)).not.toContain(publisher);
    expect(controllers(true)).toContain(publisher);
    expect(controllerManagerSpec(config).args).toContain("--root-ca-file=/work/ca.crt");
  });
});

describe("the real nodes' cluster DNS", () => {
  it("each slot has its own DNS address beside its API server's, and every node's kubelet gives it to its pods", () => {
    expect(clusterDnsAddress(7)).toBe("10.99.7.253");
    expect(clusterDnsAddress(7)).not.toBe(apiserverAddress(7));
    const layout = realNodeLayout("/work", 7, 1);
    expect(clusterDnsAddress(7)).not.toBe(layout.nodeIP);
    const kubelet = JSON.parse(kubeletConfig(layout, { port: 1, healthz: 2 }, clusterDnsAddress(7))) as {
      clusterDNS?: string[];
      clusterDomain?: string;
    };
    expect(kubelet.clusterDNS).toEqual(["10.99.7.253"]);
    expect(kubelet.clusterDomain).toBe("cluster.local");
  });

  it("CoreDNS serves the cluster domain from the API on that address only, ready on a loopback port", () => {
    const dir = mkdtempSync(join(tmpdir(), "coredns-args-"));
    try {
      const spec = corednsSpec("/bin", dir, "10.99.7.253", "/kc", 4321);
      expect(spec.binary).toBe("/bin/coredns");
      expect(spec.args).toEqual(["-conf", join(dir, "Corefile")]);
      const corefile = readFileSync(join(dir, "Corefile"), "utf8");
      expect(corefile).toMatch(/^cluster\.local:53 in-addr\.arpa:53 ip6\.arpa:53 \{/);
      expect(corefile).toContain("  bind 10.99.7.253\n");
      expect(corefile).toContain("  ready 127.0.0.1:4321\n");
      expect(corefile).toContain("    kubeconfig /kc\n");
      // No forward: this machine has no network, and a name outside the cluster is refused at once.
      expect(corefile).not.toContain("forward");
      expect(corednsReadyUrl(4321)).toBe("http://127.0.0.1:4321/ready");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
