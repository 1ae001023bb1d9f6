// One pull of one tag at one spec version: IfNotPresent short-circuit, then up to 1 + backoffLimit CRI pulls,
// each bounded by timeoutSeconds. It reports every state change through `onChange`; the agent turns that state
// into NodeImage status.
import type { ImageTagStatus } from "@kruise/api";
import type { ImageService, PullAuth, PullSandbox } from "./cri/image-service.ts";

export interface PullOrder {
  /** What CRI is asked for: `name:tag` or `name@sha256:…`. */
  ref: string;
  tag: string;
  version: number;
  timeoutSeconds: number;
  backoffLimit: number;
  imagePullPolicy: "Always" | "IfNotPresent";
  sandbox?: PullSandbox;
  /** Credentials to try, in order; an empty list pulls anonymously. */
  auths: PullAuth[];
}

/** Waits between attempts: 1 s, 2 s, 4 s … capped at 30 s (short, since a pre-pull is idle work). */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

function messageOf(error: unknown): string {
  if (typeof error === "object" && error !== null && "details" in error && typeof error.details === "string")
    return error.details;
  return error instanceof Error ? error.message : String(error);
}

/** A running or finished pull. `status` is what the agent reports for the tag. */
export class PullWorker {
  readonly order: PullOrder;
  status: ImageTagStatus;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;

  /** `adopted`: a finished status written before a restart, for this version; the worker then runs nothing. */
  constructor(
    order: PullOrder,
    images: ImageService,
    onChange: () => void,
    adopted?: ImageTagStatus,
    now: () => Date = () => new Date(),
    sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.order = order;
    if (adopted !== undefined) {
      this.status = adopted;
      this.#done = Promise.resolve();
      return;
    }
    this.status = { tag: order.tag, phase: "Waiting", version: order.version };
    const set = (next: Partial<ImageTagStatus>): void => {
      this.status = { ...this.status, ...next };
      onChange();
    };
    this.#done = this.#run(images, set, now, sleep).catch((error: unknown) => {
      if (!this.#abort.signal.aborted) set({ phase: "Failed", message: messageOf(error) });
    });
  }

  get finished(): boolean {
    return this.status.phase === "Succeeded" || this.status.phase === "Failed";
  }

  stop(): void {
    this.#abort.abort();
  }

  async #run(
    images: ImageService,
    set: (next: Partial<ImageTagStatus>) => void,
    now: () => Date,
    sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const { order } = this;
    const signal = this.#abort.signal;
    set({ phase: "Pulling", progress: 0, startTime: now().toISOString() });
    if (order.imagePullPolicy === "IfNotPresent") {
      const present = await images.status(order.ref);
      if (present !== undefined) {
        set({
          phase: "Succeeded",
          progress: 100,
          imageID: present.repoDigests[0] ?? present.id,
          completionTime: now().toISOString(),
        });
        return;
      }
    }
    let lastError = "";
    for (let attempt = 0; attempt <= order.backoffLimit; attempt++) {
      if (signal.aborted) return;
      if (attempt > 0) await sleep(retryDelayMs(attempt), signal);
      for (const auth of order.auths.length === 0 ? [undefined] : order.auths) {
        const timeout = AbortSignal.timeout(order.timeoutSeconds * 1000);
        const both = AbortSignal.any([signal, timeout]);
        try {
          const imageRef = await images.pull(order.ref, {
            ...(auth === undefined ? {} : { auth }),
            ...(order.sandbox === undefined ? {} : { sandbox: order.sandbox }),
            signal: both,
          });
          const present = await images.status(order.ref).catch(() => undefined);
          set({
            phase: "Succeeded",
            progress: 100,
            imageID: present?.repoDigests[0] ?? present?.id ?? imageRef,
            completionTime: now().toISOString(),
            message: "",
          });
          return;
        } catch (error) {
          if (signal.aborted) return;
          lastError = timeout.aborted ? `pull timed out after ${order.timeoutSeconds}s` : messageOf(error);
        }
      }
      set({ message: `attempt ${attempt + 1} of ${order.backoffLimit + 1} failed: ${lastError}` });
    }
    set({
      phase: "Failed",
      completionTime: now().toISOString(),
      message: `failed after ${order.backoffLimit + 1} attempts: ${lastError}`,
    });
  }

  /** Resolves when the worker has stopped (for tests and shutdown). */
  whenDone(): Promise<void> {
    return this.#done;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
