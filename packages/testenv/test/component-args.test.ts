import { describe, expect, it } from "vitest";
import { apiserverSpec } from "../src/components/kube-apiserver.ts";
import { controllerManagerSpec } from "../src/components/kube-controller-manager.ts";

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
