import { describe, expect, it } from "vitest";
import { flagsHelp, parseControllerFlags, workersFlag } from "../src/manager/flags.ts";

const program = {
  name: "demo",
  summary: "a demo controller",
  extra: {
    workers: { type: "integer", description: "Workers.", default: 3 },
    port: { type: "integer", description: "Port.", default: 443, min: 1, max: 65535 },
    resync: { type: "number", description: "Seconds.", default: 30 },
    namespace: { type: "string", description: "Namespace.", default: "" },
    strict: { type: "boolean", description: "Strict.", default: false },
  },
  featureGates: {
    Fast: { default: false, description: "Go fast." },
    Safe: { default: true, description: "Stay safe." },
  },
} as const;

describe("parseControllerFlags", () => {
  const ok = [
    {
      name: "defaults, typed",
      argv: [],
      extra: { workers: 3, port: 443, resync: 30, namespace: "", strict: false },
      gates: { Fast: false, Safe: true },
    },
    {
      name: "values given",
      argv: ["--workers=5", "--port", "8443", "--resync=0.5", "--namespace=ns", "--strict=true"],
      extra: { workers: 5, port: 8443, resync: 0.5, namespace: "ns", strict: true },
      gates: { Fast: false, Safe: true },
    },
    {
      name: "feature gates, any letter case",
      argv: ["--feature-gates=Fast=TRUE,Safe=false"],
      extra: { workers: 3, port: 443, resync: 30, namespace: "", strict: false },
      gates: { Fast: true, Safe: false },
    },
  ];
  it.each(ok)("$name", (c) => {
    const flags = parseControllerFlags(c.argv, program);
    expect(flags.extra).toEqual(c.extra);
    expect(flags.featureGates).toEqual(c.gates);
  });

  const bad = [
    {
      name: "a fraction for an integer",
      argv: ["--workers=1.5"],
      error: /--workers must be a whole number of 1 or more/,
    },
    {
      name: "zero workers",
      argv: ["--workers=0"],
      error: /--workers must be a whole number of 1 or more, got "0"/,
    },
    {
      name: "a port out of range",
      argv: ["--port=70000"],
      error: /--port must be a whole number from 1 to 65535/,
    },
    { name: "a non-positive number", argv: ["--resync=-1"], error: /--resync must be a positive number/ },
    {
      name: "an unknown gate",
      argv: ["--feature-gates=Fats=true"],
      error: /unknown gate "Fats"; known gates: Fast, Safe/,
    },
    {
      name: "a gate without a boolean",
      argv: ["--feature-gates=Fast=yes"],
      error: /Fast=yes: the value must be true or false/,
    },
    {
      name: "a boolean flag with another word",
      argv: ["--strict=maybe"],
      error: /--strict takes true or false/,
    },
    { name: "an unknown flag", argv: ["--wrokers=2"], error: /wrokers/ },
  ];
  it.each(bad)("refuses $name, naming the flag", (c) => {
    expect(() => parseControllerFlags(c.argv, program)).toThrow(c.error);
  });

  it("a controller with no gates refuses any gate", () => {
    expect(() => parseControllerFlags(["--feature-gates=Fast=true"], { name: "x", summary: "y" })).toThrow(
      /unknown gate "Fast"; this controller has no feature gates/,
    );
  });

  it("--leader-elect is on unless turned off", () => {
    expect(parseControllerFlags([], program).manager.leaderElection).toBeDefined();
    expect(parseControllerFlags(["--leader-elect=false"], program).manager.leaderElection).toBeUndefined();
  });

  it("--help lists the extra flags with defaults and the feature gates", () => {
    const help = flagsHelp(program.name, program.summary, program.extra, program.featureGates);
    expect(help).toContain("--workers <value>\n      Workers. (default 3)");
    expect(help).toContain("--strict\n      Strict.");
    expect(help).toContain("Feature gates (--feature-gates):\n  Fast\n      Go fast. (default false)");
  });
});

describe("workersFlag", () => {
  const workers = {
    name: "demo",
    summary: "a demo controller",
    extra: { "demo-workers": workersFlag("Demo", 2) },
  };
  it.each([
    { argv: [], want: 2 },
    { argv: ["--demo-workers=5"], want: 5 },
  ])("$argv → $want concurrent reconciles", ({ argv, want }) => {
    expect(parseControllerFlags(argv, workers).extra["demo-workers"]).toBe(want);
  });

  it("refuses fewer than one worker, naming the flag, and says what it counts in --help", () => {
    expect(() => parseControllerFlags(["--demo-workers=0"], workers)).toThrow(/--demo-workers/);
    expect(flagsHelp(workers.name, workers.summary, workers.extra)).toContain("Concurrent Demo reconciles.");
    expect(workersFlag("Demo").default).toBe(3);
  });
});
