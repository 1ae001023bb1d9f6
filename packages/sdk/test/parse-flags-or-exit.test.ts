import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// parseFlagsOrExit exits the process, so it runs in a child: what a user who mistypes a flag sees.

const module = pathToFileURL(resolve(import.meta.dirname, "../src/manager/run-controller.ts")).href;

function run(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { parseFlagsOrExit } from ${JSON.stringify(module)};
    const flags = parseFlagsOrExit(
      { name: "demo", summary: "a demo agent", extra: { "node-name": { type: "string", description: "Node.", default: "" } } },
      ${JSON.stringify(argv)},
    );
    process.stdout.write(JSON.stringify(flags.extra));
  `;
  const child = spawnSync(
    process.execPath,
    ["--conditions=@kruise/source", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
    },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("parseFlagsOrExit", () => {
  it("returns the typed flags", () => {
    expect(run(["--node-name=n1"])).toEqual({ status: 0, stdout: '{"node-name":"n1"}', stderr: "" });
  });

  it("a bad flag: names the binary and the flag, points at --help, exits 2", () => {
    const { status, stderr } = run(["--no-such-flag"]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^demo: .*no-such-flag.*\nRun with --help for the flags\.\n$/s);
  });

  it("--help: the flags on stdout, exit 0", () => {
    const { status, stdout } = run(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toContain("--node-name");
  });
});
