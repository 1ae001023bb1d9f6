import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ControlPlaneError, messageOf } from "./errors.ts";
import { APPLY_PATCH, type KubeHttpClient } from "./kube/http-client.ts";

interface CrdManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

interface CrdStatus {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const ESTABLISH_TIMEOUT_MS = 60_000;

/** Reads every *.yaml of `dir` (several documents per file allowed); only CRDs belong there. */
export async function readCrds(dir: string): Promise<Array<{ file: string; crd: CrdManifest }>> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith(".yaml") || file.endsWith(".yml")).sort();
  } catch (error) {
    throw new ControlPlaneError(
      "crds",
      `cannot read the CRD folder ${dir}: ${messageOf(error)}`,
      "pass crdsDir: false, or a folder of CRD manifests",
    );
  }
  const crds: Array<{ file: string; crd: CrdManifest }> = [];
  for (const file of files) {
    const path = join(dir, file);
    for (const doc of parseAllDocuments(await readFile(path, "utf8"))) {
      if (doc.errors.length > 0) {
        throw new ControlPlaneError(
          "crds",
          `${path} is not valid YAML: ${doc.errors[0]?.message ?? ""}`,
          "fix or regenerate the manifest",
        );
      }
      const crd = doc.toJS() as CrdManifest | null;
      if (crd === null) continue;
      if (crd.kind !== "CustomResourceDefinition" || crd.metadata?.name === undefined) {
        throw new ControlPlaneError(
          "crds",
          `${path} holds a ${crd.kind ?? "document without kind"}, not a named CustomResourceDefinition`,
          "keep only CRDs in the CRD folder",
        );
      }
      crds.push({ file: path, crd });
    }
  }
  return crds;
}

/** Server-side applies every CRD of `dir`, then waits until each is Established. Returns their names. */
export async function applyCrds(client: KubeHttpClient, dir: string): Promise<string[]> {
  const crds = await readCrds(dir);
  for (const { file, crd } of crds) {
    const name = crd.metadata?.name ?? "";
    try {
      await client.patch(`${CRD_PATH}/${name}`, crd, APPLY_PATCH, { fieldManager: "testenv", force: true });
    } catch (error) {
      throw new ControlPlaneError(
        "crds",
        `applying CRD ${name} from ${file} failed: ${messageOf(error)}`,
        "fix the manifest (regenerate it from @kruise/api), then start again",
      );
    }
  }
  const names = crds.map(({ crd }) => crd.metadata?.name ?? "");
  await waitEstablished(client, names);
  return names;
}

async function waitEstablished(client: KubeHttpClient, names: string[]): Promise<void> {
  const deadline = Date.now() + ESTABLISH_TIMEOUT_MS;
  const pending = new Set(names);
  let lastProblem = "";
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const crd = await client.get<CrdStatus>(`${CRD_PATH}/${name}`);
      const conditions = crd.status?.conditions ?? [];
      if (conditions.some((c) => c.type === "Established" && c.status === "True")) {
        pending.delete(name);
        continue;
      }
      const names = conditions.find((c) => c.type === "NamesAccepted" && c.status === "False");
      if (names !== undefined)
        lastProblem = `${name}: ${names.message ?? names.reason ?? "names not accepted"}`;
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new ControlPlaneError(
        "crds",
        `not Established after ${ESTABLISH_TIMEOUT_MS / 1000} s: ${[...pending].join(", ")}${lastProblem === "" ? "" : ` (${lastProblem})`}`,
        "check the CRDs' names and schema with `kubectl get crd -o yaml`",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
