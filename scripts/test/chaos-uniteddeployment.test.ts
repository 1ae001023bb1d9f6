// The short chaos run of the UnitedDeployment controller (the full one is `npm run chaos`): SIGKILLs of it and of the
// CloneSet controller that runs its subsets, among the other faults, while its split changes every step. No subset
// ever has two live workloads, no pod is deleted twice, and it converges within 30 s of the last fault.
import { describe, expect, it } from "vitest";
import { formatChaos, runChaos } from "../chaos/run-chaos.ts";
import { cloneSetTarget, unitedDeploymentTarget } from "../chaos/targets.ts";

describe("chaos (short), UnitedDeployment", () => {
  it(
    "never leaves two workloads for one subset while rebalancing under SIGKILLs, and converges within 30 s",
    { timeout: 300_000 },
    async () => {
      const results = await runChaos({
        killsPerController: 10,
        faultEveryMs: 800,
        convergeWithinMs: 30_000,
        targets: [cloneSetTarget(), unitedDeploymentTarget()],
      });
      const summary = formatChaos(results);
      for (const r of results) {
        expect(r.violations, summary).toEqual([]);
        expect(r.convergenceSeconds, summary).not.toBeNull();
        expect(r.kills).toBe(10);
      }
    },
  );
});
