import { Manager, type WriteRecord } from "@kruise/sdk";
import pino, { type Logger } from "pino";
import { addCloneSetController } from "../../src/controller.ts";
import { KNOWN_FEATURE_GATES, type FeatureGates } from "../../src/feature-gates.ts";

export interface InProcessController {
  /** Every API write the controller made (Events included), in order. */
  readonly writes: WriteRecord[];
  stop(): Promise<void>;
}

/** The controller in this process, through the SDK manager, so a test can count its API writes. */
export async function startInProcessController(opts: {
  kubeconfig: string;
  namespace: string;
  gates?: Partial<FeatureGates>;
  /** Default: pino at CLONESET_TEST_LOG (warn). */
  logger?: Logger;
}): Promise<InProcessController> {
  const writes: WriteRecord[] = [];
  const mgr = await Manager.create({
    name: "cloneset-controller",
    kubeconfig: opts.kubeconfig,
    qps: 200,
    burst: 400,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: opts.logger ?? pino({ level: process.env.CLONESET_TEST_LOG ?? "warn" }),
    onWrite: (w) => writes.push(w),
  });
  addCloneSetController(mgr, {
    workers: 3,
    gates: { ...KNOWN_FEATURE_GATES, ...(opts.gates ?? {}) },
    namespace: opts.namespace,
  });
  const abort = new AbortController();
  const running = mgr.start(abort.signal);
  return {
    writes,
    stop: async () => {
      abort.abort();
      await running.catch(() => undefined);
    },
  };
}
