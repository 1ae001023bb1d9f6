// Bad set-up is reported as a sentence saying what failed and what to do, never as a stack trace.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const emptyCache = mkdtempSync(join(tmpdir(), "kruise-setup-test-"));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

function buildBinaries(env: Record<string, string>): { code: number | null; out: string } {
  const res = spawnSync("bash", [join(root, "tools/build-binaries.sh")], {
    env: { HOME: process.env.HOME ?? "/root", KRUISE_CACHE_DIR: emptyCache, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

describe("tools/build-binaries.sh", () => {
  it("says Go is missing and how to get it", () => {
    const { code, out } = buildBinaries({ PATH: "/usr/bin:/bin" });
    expect(code).toBe(1);
    expect(out).toContain("FAILED: Go is not installed");
    expect(out).toContain("What to do: install Go");
  });

  it("says which module could not be fetched when a build cannot start", () => {
    const { code, out } = buildBinaries({
      PATH: process.env.PATH ?? "",
      NATS_SERVER_VERSION: "0.0.0-does-not-exist",
      GOFLAGS: "-mod=mod",
    });
    expect(code).toBe(1);
    expect(out).toContain("FAILED: resolving github.com/nats-io/nats-server/v2@v0.0.0-does-not-exist failed");
    expect(out).toMatch(/What to do: .*tools\/versions\.env/);
    expect(out).not.toMatch(/^\s+at /m);
  });

  it("prints the cached bin folder when everything is present", () => {
    const res = spawnSync("bash", [join(root, "tools/build-binaries.sh"), "--print"], { encoding: "utf8" });
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toMatch(/bin-k[\d.]+-n[\d.]+-h[\d.]+-c[\d.]+-r[\d.]+$/);
  });
});
