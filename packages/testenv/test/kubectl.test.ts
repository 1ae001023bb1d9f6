import { describe, expect, it } from "vitest";
import { kubectl } from "../src/vitest/index.ts";

describe("kubectl against the control plane", () => {
  it("lists the simulated nodes with their zone labels", async () => {
    const result = await kubectl(["get", "nodes", "-L", "topology.kubernetes.io/zone", "--no-headers"]);
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/));
    const simulated = rows.filter((row) => row[0]?.startsWith("testenv-node-"));
    expect(simulated.map((row) => [row[0], row[1], row.at(-1)])).toEqual([
      ["testenv-node-0", "Ready", "zone-a"],
      ["testenv-node-1", "Ready", "zone-b"],
      ["testenv-node-2", "Ready", "zone-c"],
    ]);
  });

  it("keeps a fresh Lease for every simulated node", async () => {
    const result = await kubectl(["get", "leases", "-n", "kube-node-lease", "-o", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const leases = (
      JSON.parse(result.stdout) as {
        items: Array<{ metadata: { name: string }; spec: { renewTime: string } }>;
      }
    ).items;
    const ours = leases.filter((lease) => lease.metadata.name.startsWith("testenv-node-"));
    expect(ours).toHaveLength(3);
    for (const lease of ours) expect(Date.now() - Date.parse(lease.spec.renewTime)).toBeLessThan(30_000);
  });

  it("serves the matching server version", async () => {
    const result = await kubectl(["version", "-o", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const versions = JSON.parse(result.stdout) as { serverVersion?: { gitVersion?: string } };
    expect(versions.serverVersion?.gitVersion).toBe("v1.36.3");
  });
});
