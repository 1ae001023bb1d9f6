import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

// A shell loop outside our process group: when the Node process that started the control plane dies
// without running stop() (a crashed vitest, a SIGKILL), it ends exactly the processes we started, by
// pid, and removes the work dir. Without it, etcd and kube-apiserver would outlive every aborted run.
const GUARD_SCRIPT = `
parent="$1"; pids="$2"; dir="$3"; remove="$4"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
[ -f "$pids" ] || exit 0
for p in $(cat "$pids"); do kill -TERM "$p" 2>/dev/null; done
sleep 2
for p in $(cat "$pids"); do kill -KILL "$p" 2>/dev/null; done
[ "$remove" = "1" ] && rm -rf "$dir"
exit 0
`;

/** Keeps the list of live child pids on disk for the guard, and stops the guard on a normal stop(). */
export class OrphanGuard {
  readonly #pidsFile: string;
  readonly #pids = new Set<number>();
  #guardPid: number | undefined;

  constructor(workDir: string, removeWorkDir: boolean) {
    this.#pidsFile = join(workDir, "children.pids");
    writeFileSync(this.#pidsFile, "");
    const guard = spawn(
      "sh",
      [
        "-c",
        GUARD_SCRIPT,
        "testenv-guard",
        String(process.pid),
        this.#pidsFile,
        workDir,
        removeWorkDir ? "1" : "0",
      ],
      {
        detached: true,
        stdio: "ignore",
      },
    );
    guard.on("error", () => {
      // No sh: we lose only the crash clean-up, not the control plane.
    });
    guard.unref();
    this.#guardPid = guard.pid;
  }

  track(pid: number): void {
    this.#pids.add(pid);
    this.#write();
  }

  untrack(pid: number): void {
    // Forget exited pids at once, so the guard can never signal a pid the kernel has reused.
    this.#pids.delete(pid);
    this.#write();
  }

  /** Called from a synchronous 'exit' handler: SIGKILL whatever is still tracked. */
  killAllNow(): void {
    for (const pid of this.#pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  dispose(): void {
    if (this.#guardPid !== undefined) {
      try {
        process.kill(this.#guardPid, "SIGTERM");
      } catch {
        // Already gone.
      }
      this.#guardPid = undefined;
    }
  }

  #write(): void {
    try {
      writeFileSync(this.#pidsFile, [...this.#pids].join("\n"));
    } catch {
      // The work dir is being removed; nothing left to guard.
    }
  }
}
