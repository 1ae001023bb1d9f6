// The manager's seam to the recorder/ and eventbus/ pieces (built by another helper against the contract in
// their index files). Everything the manager needs from them goes through these two functions, so wiring them
// in is a change to this file only.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Client, KubeObject } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import type { EventSubscriber, Recorder } from "../controller/types.ts";

/** A recorder plus the flush the manager calls on shutdown. */
export interface ManagedRecorder extends Recorder {
  flush(): Promise<void>;
}

/** An event bus plus the close the manager calls on shutdown. */
export interface ManagedEventBus extends EventSubscriber {
  close(): Promise<void>;
}

/**
 * Kubernetes Events recorder for one component. Until recorder/ lands this logs events instead of writing them,
 * so controllers can already call ctx.recorder.event().
 */
export function createRecorder(opts: { client: Client; component: string; clock: Clock; log: Logger }): ManagedRecorder {
  return {
    event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
      opts.log.info(
        { component: opts.component, object: `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`, type, reason },
        message,
      );
    },
    flush: async () => undefined,
  };
}

/** The NATS EventBus, or undefined while eventbus/ has not landed (watchesEvents then logs that it is inactive). */
export function createEventBus(_opts: { servers: string; source: string; log: Logger; registry: Registry }): ManagedEventBus | undefined {
  return undefined;
}
