import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");

export interface ControllerProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  stop(): Promise<void>;
  /** SIGKILL at once; resolves when it exited. */
  kill(): Promise<void>;
}

/** Runs `node --conditions=@kruise/source apps/cloneset/src/main.ts` as a child process. */
export function startControllerProcess(args: {
  kubeconfig: string;
  namespace?: string;
  natsUrl?: string | undefined;
  extra?: string[];
}): ControllerProcess {
  const argv = [
    "--conditions=@kruise/source",
    MAIN,
    `--kubeconfig=${args.kubeconfig}`,
    "--metrics-bind-address=0",
    "--health-probe-bind-address=0",
    "--leader-elect=false",
  ];
  if (args.namespace !== undefined) argv.push(`--namespace=${args.namespace}`);
  if (args.natsUrl !== undefined) argv.push(`--nats-url=${args.natsUrl}`);
  argv.push(...(args.extra ?? []));
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = async (sig: NodeJS.Signals, escalateMs: number | undefined): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    if (escalateMs !== undefined) {
      const timer = setTimeout(() => child.kill("SIGKILL"), escalateMs);
      await exited;
      clearTimeout(timer);
    } else await exited;
  };
  return {
    child,
    output: () => out,
    stop: () => signal("SIGTERM", 5_000),
    kill: () => signal("SIGKILL", undefined),
  };
}
