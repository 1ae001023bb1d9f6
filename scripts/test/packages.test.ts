// The npm packages as a user gets them: packed from the workspace (prepack builds dist/), installed from the
// tarballs into a scratch project outside the repository, the SDK README's example controller type-checked
// there against the shipped declarations and run against the shared control plane. Also: `changeset version`
// in a scratch copy and `npm publish --dry-run` of each package.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, kubectl, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { exportTargets, SOURCE_CONDITION, type Manifest } from "../pack/published-manifest.ts";
import { PUBLISHABLE_PACKAGES } from "../pack/publishable.ts";

const root = resolve(import.meta.dirname, "../..");
const COMMAND_TIMEOUT_MS = 240_000;

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) => done({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.once("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

async function runOk(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

const workspaceArgs = PUBLISHABLE_PACKAGES.map((name) => `--workspace=${name}`);
const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
    .version;

/** The first ```ts block under the SDK README's "A complete controller". */
function readmeExample(): string {
  const readme = readFileSync(join(root, "packages/sdk/README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A complete controller"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error("packages/sdk/README.md has no ```ts block under 'A complete controller'");
  return match[1];
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

const scratch = mkdtempSync(join(tmpdir(), "kruise-packed-"));
const packDir = join(scratch, "tarballs");
const project = join(scratch, "project");
let packed: PackResult[] = [];
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(packDir);
  const out = await runOk("npm", ["pack", "--json", `--pack-destination=${packDir}`, ...workspaceArgs], root);
  packed = JSON.parse(out.slice(out.indexOf("["))) as PackResult[];

  mkdirSync(project);
  const dependencies = Object.fromEntries(
    packed.map((p) => [p.name, `file:${join(packDir, p.filename)}`] as const),
  );
  const manifest = {
    name: "packed-sdk-user",
    private: true,
    type: "module",
    dependencies,
    devDependencies: { typescript: versionOf("typescript"), "@types/node": versionOf("@types/node") },
  };
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2024",
        lib: ["es2024"],
        module: "nodenext",
        moduleResolution: "nodenext",
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        verbatimModuleSyntax: true,
        erasableSyntaxOnly: true,
      },
      include: ["*.ts"],
    }),
  );
  writeFileSync(join(project, "main.ts"), readmeExample());
  writeFileSync(
    join(project, "uses.ts"),
    [
      'import { CloneSetKind } from "@kruise/api";',
      'import { CONTROLLER_REVISION_DATA_HASH_LABEL } from "@kruise/workload";',
      'import { apiVersionOf } from "@kruise/sdk";',
      "console.log(JSON.stringify([apiVersionOf(CloneSetKind), CONTROLLER_REVISION_DATA_HASH_LABEL]));",
      "",
    ].join("\n"),
  );
  await runOk("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project);
}, 600_000);

describe("packed packages", () => {
  it("ship dist/ with declarations, every export target, and no source condition", () => {
    expect(packed.map((p) => p.name)).toEqual(PUBLISHABLE_PACKAGES);
    for (const pkg of packed) {
      const shipped = new Set(pkg.files.map((f) => f.path));
      const manifest = JSON.parse(
        readFileSync(join(project, "node_modules", pkg.name, "package.json"), "utf8"),
      ) as Manifest;
      expect(JSON.stringify(manifest), pkg.name).not.toContain(SOURCE_CONDITION);
      expect(manifest.engines, pkg.name).toEqual({ node: ">=22.19" });
      for (const target of exportTargets(manifest.exports ?? null))
        expect(shipped.has(target.replace(/^\.\//, "")), `${pkg.name} ships ${target}`).toBe(true);
      expect(
        [...shipped].some((f) => f.endsWith(".d.ts")),
        `${pkg.name} ships types`,
      ).toBe(true);
      expect(
        [...shipped].some((f) => f.startsWith("src/")),
        `${pkg.name} ships no src/`,
      ).toBe(false);
    }
    // The repository's manifests are back after the pack.
    for (const dir of ["api", "sdk", "workload"])
      expect(readFileSync(join(root, "packages", dir, "package.json"), "utf8")).toContain(SOURCE_CONDITION);
  });

  it("type-check and import outside the monorepo", async () => {
    await runOk(join(project, "node_modules/.bin/tsc"), ["-p", "."], project);
    const out = await runOk(process.execPath, ["uses.ts"], project);
    expect(JSON.parse(out)).toEqual(["apps.kruise.io/v1alpha1", "controller.kubernetes.io/hash"]);
  });

  it("run the README's example controller against the control plane", async () => {
    const ns = await createTestNamespace("packed-sdk");
    const child = spawn(
      process.execPath,
      [
        "main.ts",
        `--kubeconfig=${getTestEnv().kubeconfigPath}`,
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
        "--leader-elect=false", // one replica, and the SDK elects a leader by default
      ],
      { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    try {
      const created = await kubectl(["create", "configmap", "app-config", "-n", ns, "--from-literal=a=1"]);
      expect(created.code, created.stderr).toBe(0);
      await waitFor(
        "the example controller to stamp the ConfigMap",
        async () => {
          const got = await kubectl(["get", "configmap", "app-config", "-n", ns, "-o", "json"]);
          const cm = JSON.parse(got.stdout) as { metadata: { annotations?: Record<string, string> } };
          return cm.metadata.annotations?.["example.kruise.io/data-hash"];
        },
        60_000,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
  });

  it("stop with a clear message on a Node older than 22", async () => {
    // The machine's own `node` (outside node_modules), when it is an old one; the check itself is unit-tested.
    const system = await run("sh", ["-c", "PATH=/usr/local/bin:/usr/bin:/bin command -v node"], project);
    const oldNode = system.stdout.trim();
    const version = oldNode ? (await run(oldNode, ["--version"], project)).stdout.trim() : "";
    if (!/^v(1\d|2[01])\./.test(version)) return;
    const result = await run(oldNode, ["--input-type=module", "-e", 'await import("@kruise/sdk")'], project);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("needs Node 22 or newer");
    expect(result.stderr).not.toContain("TypeError");
  });
});

describe("releases", () => {
  it("changeset version bumps the packages and their internal dependents (scratch copy)", async () => {
    const copy = join(scratch, "changeset");
    cpSync(join(root, ".changeset"), join(copy, ".changeset"), { recursive: true });
    // The lockfile tells changesets (manypkg) which workspace tool this is.
    for (const file of ["package.json", "package-lock.json"]) cpSync(join(root, file), join(copy, file));
    for (const group of ["packages", "apps"])
      for (const dir of readdirSync(join(root, group)))
        cpSync(join(root, group, dir, "package.json"), join(copy, group, dir, "package.json"));
    writeFileSync(join(copy, ".changeset/packed-test.md"), '---\n"@kruise/sdk": minor\n---\n\nA test.\n');
    await runOk(join(root, "node_modules/.bin/changeset"), ["version"], copy);
    const sdk = JSON.parse(readFileSync(join(copy, "packages/sdk/package.json"), "utf8")) as Manifest;
    const workload = JSON.parse(readFileSync(join(copy, "packages/workload/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(sdk.version).not.toBe(versionOf("@kruise/sdk"));
    expect(workload.dependencies["@kruise/sdk"]).toBe(sdk.version);
    expect(readFileSync(join(copy, "packages/sdk/CHANGELOG.md"), "utf8")).toContain("A test.");
  });

  it("npm publish --dry-run succeeds for every package", async () => {
    const out = await run("npm", ["publish", "--dry-run", ...workspaceArgs], root);
    expect(out.code, out.stderr).toBe(0);
    for (const name of PUBLISHABLE_PACKAGES) expect(out.stdout + out.stderr).toContain(`+ ${name}@`);
  }, 300_000);
});
