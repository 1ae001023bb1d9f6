import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

export interface SupervisorSpec {
  /** Short name for status lines, e.g. "cloneset". */
  name: string;
  /** Executable and arguments. */
  command: string;
  args: string[];
  /** stdout and stderr are appended here, across restarts. */
  logPath: string;
  env?: NodeJS.ProcessEnv;
  /** First restart delay; doubles per crash up to maxBackoffMs. Default 500 ms. */
  initialBackoffMs?: number;
  /** Default 30 s (the kubelet's CrashLoopBackOff uses 10 s doubling to 5 min; a laptop wants it sooner). */
  maxBackoffMs?: number;
  /** A child that ran this long before dying starts its backoff from the beginning again. Default 60 s. */
  resetAfterMs?: number;
  /** Called with one line per start, exit and restart. */
  onEvent?: (line: string) => void;
}

/** What a supervised process is doing now. */
export interface SupervisorStatus {
  state: "up" | "restarting" | "stopped";
  pid: number | undefined;
  /** Restarts after an unexpected exit. */
  restarts: number;
  /** How the last child ended: "code 1" or "SIGKILL". */
  lastExit: string | undefined;
}

/**
 * Keeps one child process running, as a kubelet keeps a container: an exit it did not ask for (a crash, a SIGKILL)
 * restarts the child after a capped exponential backoff.
 *
 * # Guarantees
 * - stop() always resolves: SIGTERM, SIGKILL after its grace period, and a child already dead is not waited for.
 * - No restart is scheduled after stop() was called.
 * - killNow() is synchronous, for a process 'exit' handler.
 */
export class Supervisor {
  readonly name: string;
  readonly #spec: SupervisorSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #startedAt = 0;
  #backoffMs: number;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #restarts = 0;
  #lastExit: string | undefined;
  #log: WriteStream;

  constructor(spec: SupervisorSpec) {
    this.name = spec.name;
    this.#spec = spec;
    this.#backoffMs = spec.initialBackoffMs ?? 500;
    this.#log = createWriteStream(spec.logPath, { flags: "a" });
  }

  get status(): SupervisorStatus {
    const state = this.#stopping
      ? "stopped"
      : this.#child !== undefined && this.#alive(this.#child)
        ? "up"
        : "restarting";
    return { state, pid: this.#child?.pid, restarts: this.#restarts, lastExit: this.#lastExit };
  }

  /** "up", "up (2 restarts, last SIGKILL)", "restarting (code 1)". */
  describe(): string {
    const s = this.status;
    if (s.state !== "up") return s.lastExit ? `${s.state} (${s.lastExit})` : s.state;
    return s.restarts > 0 ? `up (${s.restarts} restarts, last ${s.lastExit ?? "?"})` : "up";
  }

  start(): void {
    if (this.#stopping) return;
    const child = spawn(this.#spec.command, this.#spec.args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: this.#spec.env ?? process.env,
    });
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#child = child;
    this.#startedAt = Date.now();
    this.#exited = new Promise<void>((resolve) => {
      const ended = (how: string): void => {
        if (child !== this.#child || this.#lastExitOf.has(child)) return resolve();
        this.#lastExitOf.add(child);
        this.#lastExit = how;
        resolve();
        this.#onUnexpectedExit(how);
      };
      child.once("error", (err) => ended(`could not start: ${err.message}`));
      child.once("exit", (code, signal) => ended(signal ?? `code ${code ?? "?"}`));
    });
  }

  /** Sends a signal to the current child (fault injection); an exit it causes is restarted like any other. */
  kill(signal: NodeJS.Signals = "SIGKILL"): boolean {
    const child = this.#child;
    return child !== undefined && this.#alive(child) && child.kill(signal);
  }

  /** Stops for good: no more restarts; SIGTERM, then SIGKILL after graceMs. Resolves once the child is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child !== undefined && this.#alive(child)) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await this.#exited;
      clearTimeout(killer);
    }
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  /** SIGKILL at once, synchronously (for process.on("exit")). */
  killNow(): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    if (this.#child !== undefined && this.#alive(this.#child)) this.#child.kill("SIGKILL");
  }

  readonly #lastExitOf = new WeakSet<ChildProcess>();

  #alive(child: ChildProcess): boolean {
    // A child killed by a signal has exitCode null but signalCode set: both must be checked.
    return child.exitCode === null && child.signalCode === null && !this.#lastExitOf.has(child);
  }

  #onUnexpectedExit(how: string): void {
    if (this.#stopping) return;
    if (Date.now() - this.#startedAt >= (this.#spec.resetAfterMs ?? 60_000)) {
      this.#backoffMs = this.#spec.initialBackoffMs ?? 500;
    }
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#spec.maxBackoffMs ?? 30_000);
    this.#spec.onEvent?.(`${this.name} exited (${how}); restarting in ${(delay / 1000).toFixed(1)} s`);
    this.#restartTimer = setTimeout(() => {
      this.#restarts++;
      this.start();
      this.#spec.onEvent?.(`${this.name} restarted (pid ${this.#child?.pid ?? "?"})`);
    }, delay);
  }
}
