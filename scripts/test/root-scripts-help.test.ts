// `--help` on every root script that `npm run` starts: it prints a usage line and exits 0 without starting anything,
// and a bad flag is refused with the flag's name instead of a stack trace.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--conditions=@kruise/source", resolve(root, script), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
  });

describe("root scripts", () => {
  it.each([
    ["scripts/chaos.ts", "npm run chaos"],
    ["scripts/bench.ts", "npm run bench"],
    ["scripts/test.ts", "npm test"],
  ])("%s --help prints its usage and exits 0", (script, usage) => {
    const res = run(script, "--help");
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout.startsWith(usage)).toBe(true);
  });

  it("npm run chaos refuses a bad flag or value, naming it, with no stack trace", () => {
    const unknown = run("scripts/chaos.ts", "--kils", "3");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--kils/);
    expect(unknown.stderr).not.toMatch(/at .*\.ts:\d+/);
    const bad = run("scripts/chaos.ts", "--kills", "many");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--kills must be a whole number/);
  });
});
