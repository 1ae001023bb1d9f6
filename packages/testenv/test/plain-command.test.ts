import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import type { PodFaults } from "../src/kubelet/pod-faults.ts";
import { plainCommandExit } from "../src/kubelet/plain-command.ts";
import { newPodRuntime, stepPod } from "../src/kubelet/pod-runtime.ts";
import { desiredPodStatus } from "../src/kubelet/pod-status.ts";

const noFaults: PodFaults = {
  pullDelayMs: 0,
  pullFail: false,
  crashLoop: false,
  hold: false,
  notReady: false,
  exitCode: undefined,
};

describe("plainCommandExit", () => {
  it.each([
    { command: ["sleep", "5"], args: undefined, want: { afterMs: 5_000, exitCode: 0 } },
    { command: ["/bin/sleep"], args: ["0.5"], want: { afterMs: 500, exitCode: 0 } },
    { command: ["true"], args: undefined, want: { afterMs: 0, exitCode: 0 } },
    { command: ["/bin/false"], args: undefined, want: { afterMs: 0, exitCode: 1 } },
    { command: ["sh", "-c", "exit 3"], args: undefined, want: { afterMs: 0, exitCode: 3 } },
    { command: ["/bin/sh"], args: ["-c", "sleep 2; exit 7"], want: { afterMs: 2_000, exitCode: 7 } },
    { command: ["sh", "-c", "sleep 1 && true"], args: undefined, want: { afterMs: 1_000, exitCode: 0 } },
    { command: ["sh", "-c", "false && sleep 9"], args: undefined, want: { afterMs: 0, exitCode: 1 } },
    { command: ["sleep", "1m"], args: undefined, want: { afterMs: 60_000, exitCode: 0 } },
  ])("$command $args ends after $want.afterMs ms with $want.exitCode", ({ command, args, want }) => {
    expect(plainCommandExit({ command, ...(args === undefined ? {} : { args }) })).toEqual(want);
  });

  it.each([
    { command: undefined, args: undefined },
    { command: ["sleep", "infinity"], args: undefined },
    { command: ["nginx", "-g", "daemon off;"], args: undefined },
    { command: ["sh", "-c", "echo hi; sleep 5"], args: undefined },
    { command: ["sh", "-c", "tail -F /var/log/app.log"], args: undefined },
    { command: ["sh"], args: ["-c"] },
  ])("$command $args runs until stopped", ({ command, args }) => {
    expect(
      plainCommandExit({
        ...(command === undefined ? {} : { command }),
        ...(args === undefined ? {} : { args }),
      }),
    ).toBeUndefined();
  });
});

function pod(restartPolicy: string, command: string[]): Pod {
  return {
    metadata: { name: "p", namespace: "ns", uid: "u" },
    spec: { restartPolicy, nodeName: "n0", containers: [{ name: "c", image: "busybox:1.36", command }] },
  };
}

function statusAt(p: Pod, runtime: ReturnType<typeof newPodRuntime>, now: number) {
  const wake = stepPod(runtime, p, { now, faults: noFaults, crashLoopIntervalMs: 1_000 });
  return {
    wake,
    status: desiredPodStatus({ pod: p, runtime, faults: noFaults, hostIP: "h", nodeReady: true, now }),
  };
}

describe("run-to-completion on simulated nodes", () => {
  const T0 = Date.UTC(2030, 0, 1);

  it("Never: `sleep 2` runs, then Succeeded; `exit 4` Failed at once", () => {
    const sleeper = pod("Never", ["sleep", "2"]);
    const runtime = newPodRuntime(sleeper, "10.244.0.9", T0);
    const first = statusAt(sleeper, runtime, T0);
    expect(first.status.phase).toBe("Running");
    expect(first.wake).toBe(2_000);
    const done = statusAt(sleeper, runtime, T0 + 2_000);
    expect(done.status.phase).toBe("Succeeded");
    expect(done.status.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });

    const failing = pod("Never", ["sh", "-c", "exit 4"]);
    const failed = statusAt(failing, newPodRuntime(failing, "10.244.0.8", T0), T0);
    expect(failed.status.phase).toBe("Failed");
    expect(failed.status.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(4);
  });

  it("Always: an exiting container backs off, restarts, and its restartCount rises", () => {
    const p = pod("Always", ["true"]);
    const runtime = newPodRuntime(p, "10.244.0.7", T0);
    const exited = statusAt(p, runtime, T0);
    expect(exited.status.phase).toBe("Running");
    expect(exited.status.containerStatuses?.[0]?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(exited.status.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(0);
    expect(exited.wake).toBe(1_000);
    statusAt(p, runtime, T0 + 1_000);
    statusAt(p, runtime, T0 + 2_000);
    const later = statusAt(p, runtime, T0 + 3_000);
    expect(later.status.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
  });

  it("OnFailure: exit 0 completes, a failure restarts", () => {
    const ok = pod("OnFailure", ["sh", "-c", "sleep 1; exit 0"]);
    const okRuntime = newPodRuntime(ok, "10.244.0.6", T0);
    statusAt(ok, okRuntime, T0);
    expect(statusAt(ok, okRuntime, T0 + 1_000).status.phase).toBe("Succeeded");
    const bad = pod("OnFailure", ["false"]);
    const badRuntime = newPodRuntime(bad, "10.244.0.5", T0);
    expect(statusAt(bad, badRuntime, T0).status.phase).toBe("Running");
    expect(statusAt(bad, badRuntime, T0 + 1_000).status.containerStatuses?.[0]?.restartCount).toBe(1);
  });
});
