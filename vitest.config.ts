import { defineConfig } from "vitest/config";

// One vitest run for the whole monorepo, so one real control plane (globalSetup) serves every test file.
export default defineConfig({
  resolve: { conditions: ["@kruise/source"] },
  ssr: { resolve: { conditions: ["@kruise/source"], externalConditions: ["@kruise/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    globalSetup: ["./packages/testenv/src/vitest/global-setup.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
