import { randomBytes } from "node:crypto";
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { Client } from "../../src/client/index.ts";
import type { Kind } from "../../src/kind.ts";

export const namespaceKind: Kind<Namespace> = { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false };

/** Creates a fresh namespace so each test works in its own. */
export async function createTestNamespace(client: Client, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  await client.create(namespaceKind, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}
