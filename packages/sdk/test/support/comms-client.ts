// A minimal test-only Client (fetch + bearer token) for the leader, recorder and eventbus tests, used until the
// SDK's own client exports a constructor. It implements just enough of the Client contract for those tests.
import { Agent, fetch } from "undici";
import type { Client, ListOptions, ListResult, PatchType } from "../../src/client/index.ts";
import { apiVersionOf, type Kind } from "../../src/kind.ts";

export interface TestClientConfig {
  server: string;
  token: string;
  ca: string;
}

export class TestApiError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(`${code} ${reason}: ${message}`);
    this.code = code;
    this.reason = reason;
  }
}

const patchContentTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
  strategic: "application/strategic-merge-patch+json",
};

export function createTestClient(config: TestClientConfig): Client {
  // Short timeouts: the leader tests stop apiservers and must see requests fail rather than hang.
  const dispatcher = new Agent({ connect: { ca: config.ca, timeout: 2_000 }, headersTimeout: 5_000, bodyTimeout: 5_000 });

  const path = (kind: Kind, namespace?: string, name?: string, sub?: string): string => {
    const base = kind.group === "" ? `/api/${kind.version}` : `/apis/${apiVersionOf(kind)}`;
    const ns = kind.namespaced && namespace ? `/namespaces/${namespace}` : "";
    return `${base}${ns}/${kind.plural}${name ? `/${name}` : ""}${sub ? `/${sub}` : ""}`;
  };

  async function call<T>(method: string, url: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const response = await fetch(`${config.server}${url}`, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${config.token}`, accept: "application/json", "content-type": contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let status: { reason?: string; message?: string } = {};
      try {
        status = JSON.parse(text) as typeof status;
      } catch {
        // not a Status body
      }
      throw new TestApiError(response.status, status.reason ?? "Unknown", status.message ?? text);
    }
    return JSON.parse(text) as T;
  }

  const meta = (obj: unknown): { name?: string; namespace?: string } =>
    ((obj as { metadata?: { name?: string; namespace?: string } }).metadata ?? {});

  return {
    get: (kind, name, namespace) => call("GET", path(kind, namespace, name)),
    list: async <T>(kind: Kind<T>, options: ListOptions = {}): Promise<ListResult<T>> => {
      const query = new URLSearchParams();
      if (options.labelSelector) query.set("labelSelector", options.labelSelector);
      if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
      const list = await call<{ items: T[]; metadata: { resourceVersion: string } }>(
        "GET",
        `${path(kind, options.namespace)}?${query.toString()}`,
      );
      return { items: list.items, resourceVersion: list.metadata.resourceVersion };
    },
    create: (kind, obj) => call("POST", path(kind, meta(obj).namespace), obj),
    update: (kind, obj) => call("PUT", path(kind, meta(obj).namespace, meta(obj).name), obj),
    updateStatus: (kind, obj) => call("PUT", path(kind, meta(obj).namespace, meta(obj).name, "status"), obj),
    patch: (kind, name, namespace, type, patch) => call("PATCH", path(kind, namespace, name), patch, patchContentTypes[type]),
    patchStatus: (kind, name, namespace, type, patch) =>
      call("PATCH", path(kind, namespace, name, "status"), patch, patchContentTypes[type]),
    delete: async (kind, name, namespace) => {
      await call("DELETE", path(kind, namespace, name));
    },
    watch: () => {
      throw new Error("the test client does not implement watch");
    },
  };
}
