import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");

export interface ControllerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

/** `node --conditions=@kruise/source apps/daemonset/src/main.ts --kubeconfig=…` as a child process. */
export function startControllerProcess(kubeconfig: string, extra: readonly string[] = []): ControllerProcess {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@kruise/source",
      MAIN,
      `--kubeconfig=${kubeconfig}`,
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      "--leader-elect=false",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString()).slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = async (sig: NodeJS.Signals, escalateMs?: number): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = escalateMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), escalateMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => out, stop: () => signal("SIGTERM", 5_000), kill: () => signal("SIGKILL") };
}
