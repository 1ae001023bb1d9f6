import { NamespaceKind } from "../../src/kinds/core.ts";
import type { Client } from "../../src/client/index.ts";

let created = 0;

/** A fresh namespace on a private control plane, which the shared run's createTestNamespace does not reach. */
export async function createNamespace(client: Client, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${++created}`;
  await client.create(NamespaceKind, { metadata: { name } });
  return name;
}
