import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Supervisor } from "../src/index.ts";
import { waitFor } from "../src/vitest/wait-for.ts";

const dir = mkdtempSync(join(tmpdir(), "supervisor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child that runs until told to stop, and ignores nothing. */
const sleeper = (name: string, events: string[] = []): Supervisor =>
  new Supervisor({
    name,
    command: process.execPath,
    args: ["-e", "setInterval(() => {}, 1000)"],
    logPath: join(dir, `${name}.log`),
    initialBackoffMs: 100,
    onEvent: (line) => events.push(line),
  });

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("Supervisor (the main job's controller keeper)", () => {
  it("restarts a SIGKILLed child with backoff and shows it in its status", async () => {
    const events: string[] = [];
    const s = sleeper("killed", events);
    s.start();
    const first = s.status.pid;
    expect(s.describe()).toBe("up");
    process.kill(first!, "SIGKILL");
    await waitFor("the child seen as dead", () => s.status.state === "restarting" || s.status.pid !== first);
    await waitFor("a new child", () => s.status.state === "up" && s.status.pid !== first, 5_000);
    expect(s.status.restarts).toBe(1);
    expect(s.describe()).toBe("up (1 restarts, last SIGKILL)");
    expect(events[0]).toMatch(/killed exited \(SIGKILL\); restarting in 0\.1 s/);
    // A second crash waits longer (doubling backoff).
    s.kill("SIGKILL");
    await waitFor("the second restart", () => s.status.restarts === 2 && s.status.state === "up");
    expect(events.some((e) => /restarting in 0\.2 s/.test(e))).toBe(true);
    await s.stop();
    expect(s.status.state).toBe("stopped");
  });

  it("stop() resolves even when the child is already dead, and restarts nothing afterwards", async () => {
    const s = sleeper("dead");
    s.start();
    const pid = s.status.pid;
    process.kill(pid!, "SIGKILL");
    await waitFor("the child to die", () => !alive(pid));
    await s.stop(); // before the fix this waited for an 'exit' event that had already fired
    await new Promise((r) => setTimeout(r, 300));
    expect(s.status.state).toBe("stopped");
    expect(alive(s.status.pid)).toBe(false);
  });

  it("stop() SIGKILLs a child that ignores SIGTERM after the grace period", async () => {
    const s = new Supervisor({
      name: "stubborn",
      command: process.execPath,
      args: ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"],
      logPath: join(dir, "stubborn.log"),
    });
    s.start();
    const pid = s.status.pid;
    await new Promise((r) => setTimeout(r, 300)); // let it install its handler
    await s.stop(200);
    expect(alive(pid)).toBe(false);
  });
});
