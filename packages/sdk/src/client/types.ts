import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { Kind } from "../kind.ts";

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = "merge" | "json" | "apply" | "strategic";

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

/** What `patch` and `patchStatus` take: one object (cluster-scoped: namespace undefined), the patch and its type. */
export type PatchArguments<T> = [
  kind: Kind<T>,
  name: string,
  namespace: string | undefined,
  type: PatchType,
  patch: unknown,
  options?: PatchOptions,
];

/**
 * Reads and writes against the API server. Controllers read through the informer cache and write through
 * this; the client itself never caches. Every method rejects with a typed ApiError on a non-2xx answer.
 */
export interface Client {
  get<T>(kind: Kind<T>, name: string, namespace?: string): Promise<T>;
  list<T>(kind: Kind<T>, options?: ListOptions): Promise<ListResult<T>>;
  /** Optional: one list page with each item handed over as it is parsed (HttpClient has it; the informer uses it). */
  listEach?<T>(
    kind: Kind<T>,
    options: ListOptions,
    onItem: (item: T) => void,
  ): Promise<Omit<ListResult<T>, "items">>;
  create<T>(kind: Kind<T>, obj: T, options?: WriteOptions): Promise<T>;
  update<T>(kind: Kind<T>, obj: T, options?: WriteOptions): Promise<T>;
  updateStatus<T>(kind: Kind<T>, obj: T, options?: WriteOptions): Promise<T>;
  patch<T>(...args: PatchArguments<T>): Promise<T>;
  /** Like patch, on the status subresource. */
  patchStatus<T>(...args: PatchArguments<T>): Promise<T>;
  /**
   * Like patch, on another subresource than status (`pods/resize`: container resources through in-place resize, the
   * only way to change them on a running pod).
   */
  patchSubresource<T>(subresource: string, ...args: PatchArguments<T>): Promise<T>;
  delete(kind: Kind, name: string, namespace?: string, options?: DeleteOptions): Promise<void>;
  /** A raw watch stream: one parsed event per line, ended when the server closes it or signal aborts. */
  watch<T>(
    kind: Kind<T>,
    options: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number; signal?: AbortSignal },
  ): AsyncIterable<WatchEvent<T>>;
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}
