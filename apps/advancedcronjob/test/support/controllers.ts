import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

/** The controller binaries under test, run exactly as a user would: `node --conditions=@kruise/source <main.ts> flags`. */
export const MAINS = {
  broadcastjob: fileURLToPath(new URL("../../../broadcastjob/src/main.ts", import.meta.url)),
  advancedcronjob: fileURLToPath(new URL("../../src/main.ts", import.meta.url)),
} as const;

export type ControllerName = keyof typeof MAINS;

/** A controller child process that can be SIGKILLed and started again with the same flags. */
export class ControllerProcess {
  private child: ChildProcess | undefined;
  private readonly name: ControllerName;
  private readonly args: string[];
  private readonly logPath: string;
  starts = 0;

  constructor(name: ControllerName, args: string[], logPath: string) {
    this.name = name;
    this.args = args;
    this.logPath = logPath;
  }

  start(): void {
    const log = createWriteStream(this.logPath, { flags: "a" });
    this.child = spawn(
      process.execPath,
      [
        "--conditions=@kruise/source",
        MAINS[this.name],
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
        "--leader-elect=false",
        "--log-level=info",
        ...this.args,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.starts++;
  }

  /** SIGKILL: no shutdown, no lease release, no flush. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }
}
