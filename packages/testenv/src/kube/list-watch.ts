import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { KubeApiError } from "./api-error.ts";
import type { KubeHttpClient, Query, WatchEvent } from "./http-client.ts";

export interface KubeObject {
  metadata?: ObjectMeta;
}

export interface ListWatchHandlers<T> {
  /** The full set after a (re)list; the receiver replaces what it knew. */
  onList(items: T[]): void;
  onEvent(type: "ADDED" | "MODIFIED" | "DELETED", object: T): void;
  /** Connection trouble, for a log; the loop retries by itself. */
  onError(error: unknown): void;
}

interface ListPage<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

const PAGE_SIZE = 500;
const MAX_BACKOFF_MS = 5_000;

/**
 * List, then watch from the list's resourceVersion with bookmarks; on 410 Gone relist, on any other
 * failure retry with backoff, forever, until stop(). The kubelet must outlive apiserver restarts.
 */
export class ListWatch<T extends KubeObject> {
  readonly #client: KubeHttpClient;
  readonly #path: string;
  readonly #query: Query;
  readonly #handlers: ListWatchHandlers<T>;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #synced: Promise<void>;
  #markSynced: () => void = () => {};

  constructor(client: KubeHttpClient, path: string, query: Query, handlers: ListWatchHandlers<T>) {
    this.#client = client;
    this.#path = path;
    this.#query = query;
    this.#handlers = handlers;
    this.#synced = new Promise((resolve) => (this.#markSynced = resolve));
  }

  /** Resolves after the first successful list. */
  get synced(): Promise<void> {
    return this.#synced;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let resourceVersion: string | undefined;
    let backoff = 250;
    while (!this.#abort.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.#list();
          this.#markSynced();
        }
        let expired = false;
        await this.#client.watch<T>(
          this.#path,
          {
            ...this.#query,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: 240 + Math.floor(Math.random() * 120),
          },
          (event: WatchEvent<T>) => {
            backoff = 250;
            if (event.type === "ERROR") {
              expired = true;
              return;
            }
            const version = event.object.metadata?.resourceVersion;
            if (version !== undefined) resourceVersion = version;
            if (event.type !== "BOOKMARK") this.#handlers.onEvent(event.type, event.object);
          },
          this.#abort.signal,
        );
        // An ERROR event is a 410 in practice (the only one servers send mid-stream): relist.
        if (expired) resourceVersion = undefined;
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        if (error instanceof KubeApiError && error.code === 410) {
          resourceVersion = undefined;
          continue;
        }
        this.#handlers.onError(error);
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async #list(): Promise<string | undefined> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.#client.get<ListPage<T>>(this.#path, {
        ...this.#query,
        limit: PAGE_SIZE,
        continue: continueToken,
      });
      items.push(...(page.items ?? []));
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (continueToken !== undefined && !this.#abort.signal.aborted);
    this.#handlers.onList(items);
    return resourceVersion;
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
