import { join } from "node:path";
import { request } from "undici";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";

export interface EtcdPorts {
  client: number;
  peer: number;
}

export function etcdUrl(ports: EtcdPorts): string {
  return `http://127.0.0.1:${ports.client}`;
}

/** A single-member etcd on loopback. --unsafe-no-fsync: the data is thrown away, speed matters more. */
export function etcdSpec(binDir: string, workDir: string, ports: EtcdPorts): ProcessSpec {
  const peer = `http://127.0.0.1:${ports.peer}`;
  return {
    name: "etcd",
    binary: join(binDir, "etcd"),
    logPath: join(workDir, "etcd.log"),
    args: [
      "--name=testenv",
      `--data-dir=${join(workDir, "etcd-data")}`,
      `--listen-client-urls=${etcdUrl(ports)}`,
      `--advertise-client-urls=${etcdUrl(ports)}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=testenv=${peer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
  };
}

export function etcdReadiness(ports: EtcdPorts): ReadinessCheck {
  return {
    timeoutMs: 30_000,
    probe: async () => {
      const response = await request(`${etcdUrl(ports)}/health`, {
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      const body = await response.body.text();
      return response.statusCode === 200 && body.includes('"true"');
    },
  };
}

/** Compacts etcd to its current revision through its JSON gateway (no etcdctl needed). */
export async function compactEtcdToCurrentRevision(ports: EtcdPorts): Promise<number> {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const response = await request(`${etcdUrl(ports)}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      headersTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`etcd ${path}: ${response.statusCode} ${text}`);
    return JSON.parse(text);
  };
  // A range over one key returns the store's current revision in its header.
  const range = (await post("/v3/kv/range", { key: Buffer.from("/").toString("base64"), limit: 1 })) as {
    header?: { revision?: string };
  };
  const revision = Number(range.header?.revision ?? 0);
  if (revision > 0) await post("/v3/kv/compaction", { revision: String(revision), physical: true });
  return revision;
}
