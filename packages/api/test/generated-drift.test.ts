// crds/ and src/generated/ must be exactly what the schema source renders: never edited by hand, never stale.
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, staleFiles } from "../scripts/generate.ts";

describe("generated files", () => {
  it("match the schema source (run `npm run generate -w @kruise/api` after changing src/schema)", async () => {
    expect((await staleFiles()).map((path) => relative(repoRoot, path))).toEqual([]);
  });
});
