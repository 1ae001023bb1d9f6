import type { KubeObject } from "../client/types.ts";
import { objectKey } from "./keys.ts";
import type { ReadOnly } from "./read-only.ts";

/** Maps an object to the index values it is filed under (none, one or many). */
export type IndexFunc<T> = (obj: ReadOnly<T>) => readonly string[];

/** Built-in index names. */
export const Indexes = {
  namespace: "namespace",
  /** metadata.ownerReferences[controller=true].uid */
  controllerUID: "controllerUID",
  /** `key=value` for every label. */
  label: "label",
  /** spec.nodeName; only added for pods. */
  nodeName: "nodeName",
} as const;

/** Files an object under its namespace. */
export const byNamespace: IndexFunc<KubeObject> = (obj) =>
  obj.metadata?.namespace ? [obj.metadata.namespace] : [];

/** Files an object under the UID of its controller owner reference. */
export const byControllerUID: IndexFunc<KubeObject> = (obj) => {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  return ref ? [ref.uid] : [];
};

/** Files an object under `key=value` for each of its labels. */
export const byLabel: IndexFunc<KubeObject> = (obj) => {
  const labels = obj.metadata?.labels;
  return labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`) : [];
};

/** Files a pod under the node it is bound to. */
export const byNodeName: IndexFunc<{ spec?: { nodeName?: string } }> = (obj) =>
  obj.spec?.nodeName ? [obj.spec.nodeName] : [];

/**
 * An indexed, read-only map of objects by `namespace/name`. Only the informer writes to it; everything it hands out
 * is ReadOnly and shared, so reads cost no copy.
 */
export class Store<T extends KubeObject> {
  private readonly items = new Map<string, ReadOnly<T>>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  /** Number of objects. */
  get size(): number {
    return this.items.size;
  }

  /**
   * Adds an index. Objects already stored are filed at once; later writes keep it current. Adding a name twice
   * throws, because two pieces of code would silently disagree on what it means.
   */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexFuncs.has(name)) throw new Error(`index ${JSON.stringify(name)} already exists`);
    this.indexFuncs.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) file(index, fn(obj), key);
  }

  hasIndex(name: string): boolean {
    return this.indexFuncs.has(name);
  }

  /** The object stored under key (`namespace/name` or `name`). */
  get(key: string): ReadOnly<T> | undefined {
    return this.items.get(key);
  }

  /** All objects, in no particular order. */
  list(): ReadOnly<T>[] {
    return [...this.items.values()];
  }

  /** All keys. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The objects filed under value in the named index. */
  byIndex(indexName: string, value: string): ReadOnly<T>[] {
    const keys = this.indexKeys(indexName, value);
    const out: ReadOnly<T>[] = [];
    for (const key of keys) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** The keys filed under value in the named index. */
  indexKeys(indexName: string, value: string): readonly string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`no index named ${JSON.stringify(indexName)}; add it with addIndex() first`);
    const keys = index.get(value);
    return keys ? [...keys] : [];
  }

  /** Stores obj (already transformed and frozen) and returns the object it replaced. */
  upsert(obj: ReadOnly<T>): ReadOnly<T> | undefined {
    const key = objectKey(obj as KubeObject);
    const old = this.items.get(key);
    if (old) this.unfile(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) file(this.indices.get(name)!, fn(obj), key);
    return old;
  }

  /** Removes the object under key and returns it. */
  remove(key: string): ReadOnly<T> | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unfile(key, old);
    this.items.delete(key);
    return old;
  }

  private unfile(key: string, obj: ReadOnly<T>): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}

function file(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) {
      keys = new Set();
      index.set(value, keys);
    }
    keys.add(key);
  }
}
