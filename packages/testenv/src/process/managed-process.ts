import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { ControlPlaneError, messageOf } from "../errors.ts";
import { diagnoseLog } from "./log-diagnosis.ts";
import type { OrphanGuard } from "./orphan-guard.ts";

export interface ProcessSpec {
  /** Short name used in logs and errors, e.g. "kube-apiserver". */
  name: string;
  /** Absolute path of the executable. */
  binary: string;
  args: string[];
  /** stdout and stderr go here, appended across restarts. */
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

export interface ReadinessCheck {
  /** Resolves true once the process serves; errors count as "not yet". */
  probe: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

const KILL_AFTER_MS = 2_000;

/** One child process of the control plane: started, probed until ready, stopped SIGTERM-then-SIGKILL. */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly #guard: OrphanGuard;
  #child: ChildProcess | undefined;
  #exit: Promise<void> = Promise.resolve();
  #exitStatus: string | undefined;
  #spawnError: Error | undefined;

  constructor(spec: ProcessSpec, guard: OrphanGuard) {
    this.spec = spec;
    this.#guard = guard;
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#exitStatus === undefined;
  }

  start(): void {
    if (this.running) return;
    const fd = openSync(this.spec.logPath, "a");
    writeSync(
      fd,
      `\n===== testenv: starting ${this.spec.name} at ${new Date().toISOString()}\n${this.spec.binary} ${this.spec.args.join(" ")}\n`,
    );
    this.#exitStatus = undefined;
    this.#spawnError = undefined;
    let child: ChildProcess;
    try {
      child = spawn(this.spec.binary, this.spec.args, {
        stdio: ["ignore", fd, fd],
        env: this.spec.env ?? process.env,
      });
    } finally {
      closeSync(fd);
    }
    this.#child = child;
    this.#exit = new Promise((resolve) => {
      child.once("error", (error) => {
        this.#spawnError = error;
        this.#exitStatus ??= `could not be started: ${error.message}`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.#exitStatus = signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
        if (child.pid !== undefined) this.#guard.untrack(child.pid);
        resolve();
      });
    });
    if (child.pid !== undefined) this.#guard.track(child.pid);
  }

  /** Starts the process unless it is running, then waits until ready (waitUntilReady): a restart after stop(). */
  async ensureRunning(check: ReadinessCheck): Promise<void> {
    if (this.running) return;
    this.start();
    await this.waitUntilReady(check);
  }

  /** Polls until ready; on early exit or timeout throws a ControlPlaneError naming this process. */
  async waitUntilReady(check: ReadinessCheck): Promise<void> {
    const deadline = Date.now() + check.timeoutMs;
    const interval = check.intervalMs ?? 200;
    for (;;) {
      if (!this.running)
        throw await this.failure(`${this.#exitStatus ?? "is not running"} before it became ready`);
      let ready = false;
      try {
        ready = await check.probe();
      } catch {
        ready = false;
      }
      if (ready) return;
      if (Date.now() >= deadline) {
        throw await this.failure(
          `was not ready after ${Math.round(check.timeoutMs / 1000)} s`,
          "the machine may be overloaded (2 cores shared); retry, or read the log",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /** Builds the error for a failure of this process, reading the log for a known cause. */
  async failure(problem: string, fallbackHint?: string): Promise<ControlPlaneError> {
    const tail = await this.logTail();
    if (this.#spawnError !== undefined) {
      const code = (this.#spawnError as NodeJS.ErrnoException).code;
      const hint =
        code === "ENOENT" || code === "EACCES"
          ? `${this.spec.binary} is missing or not executable: run \`npm run binaries\``
          : messageOf(this.#spawnError);
      return new ControlPlaneError(this.spec.name, problem, hint, tail, this.spec.logPath);
    }
    const diagnosis = diagnoseLog(this.spec.name, tail, this.spec.logPath);
    return new ControlPlaneError(
      this.spec.name,
      diagnosis === undefined ? problem : `${problem}: ${diagnosis.problem}`,
      diagnosis?.hint ?? fallbackHint ?? `read ${this.spec.logPath}`,
      tail,
      this.spec.logPath,
    );
  }

  async logTail(lines = 25): Promise<string> {
    try {
      const text = await readFile(this.spec.logPath, "utf8");
      return text
        .split("\n")
        .slice(-lines - 1)
        .join("\n");
    } catch {
      return "";
    }
  }

  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.running) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => {
      if (this.running) child.kill("SIGKILL");
    }, KILL_AFTER_MS);
    await this.#exit;
    clearTimeout(killer);
  }
}
