import { describe, expect, it } from "vitest";
import { controllerManagerSpec } from "../src/components/kube-controller-manager.ts";

describe("kube-controller-manager arguments", () => {
  it("keeps the binary's own client rate unless one is given", () => {
    const args = controllerManagerSpec("/bin", "/work", "/kc", 1234).args;
    expect(args.some((a) => a.startsWith("--kube-api-qps"))).toBe(false);
    expect(args).toContain("--secure-port=1234");
  });

  it("passes a given client rate as --kube-api-qps/--kube-api-burst", () => {
    const args = controllerManagerSpec("/bin", "/work", "/kc", 1234, { qps: 100, burst: 200 }).args;
    expect(args).toContain("--kube-api-qps=100");
    expect(args).toContain("--kube-api-burst=200");
  });
});
