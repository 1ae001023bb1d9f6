import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Logger } from "pino";
import type { Client } from "../client/index.ts";
import { RealClock, realClock, type Clock } from "../clock/index.ts";
import { describeError, httpStatusOf } from "./api-status.ts";
import { LeaseKind } from "../kinds/core.ts";
import { toMicroTime } from "./lease.ts";
import { MAX_TIMER_MS, timerDelay } from "../clock/timer-limit.ts";

export interface LeaderElectionOptions {
  client: Client;
  /** Namespace of the Lease. */
  namespace: string;
  /** Name of the Lease; every replica of one controller uses the same name. */
  name: string;
  /** This process's unique identity, e.g. `${hostname}_${randomUUID()}`. */
  identity: string;
  /** How long others wait after they last saw the lease change before taking it. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leadership. Default 10 s. */
  renewDeadlineMs?: number;
  /** Interval between acquire or renew attempts. Default 2 s. */
  retryPeriodMs?: number;
  /**
   * Injected time. A FakeClock is used for both timestamps and durations; with the RealClock (or none),
   * durations are measured on the monotonic clock (performance.now) so a wall-clock step can never
   * stretch a leader's term.
   */
  clock?: Clock;
  log?: Logger;
}

export interface LeaderElection {
  /** Resolves once this process holds the lease. Rejects if release() is called first. */
  acquired: Promise<void>;
  /**
   * Aborted when leadership ends: renewals failed for renewDeadline, another process took the lease, or
   * release() was called. A process must stop writing when this fires; it is never re-armed.
   */
  lost: AbortSignal;
  isLeader(): boolean;
  /** Stops campaigning; if leading, aborts `lost` and clears holderIdentity so a successor takes over at once. */
  release(): Promise<void>;
}

const defaults = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** Starts campaigning for the Lease in the background, the way client-go's leaderelection package does. */
export function startLeaderElection(opts: LeaderElectionOptions): LeaderElection {
  const elector = new LeaseElector(opts);
  elector.start();
  return {
    acquired: elector.acquired,
    lost: elector.lost,
    isLeader: () => elector.isLeader(),
    release: () => elector.release(),
  };
}

class LeaseElector {
  readonly acquired: Promise<void>;
  readonly lost: AbortSignal;

  private readonly client: Client;
  private readonly namespace: string;
  private readonly name: string;
  private readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly monotonicNow: () => number;
  private readonly log: Logger | undefined;

  private readonly lostController = new AbortController();
  /** Cancels sleeps of the campaign loop when it must stop. */
  private readonly stopController = new AbortController();
  private resolveAcquired: () => void = () => {};
  private rejectAcquired: (err: Error) => void = () => {};
  private leading = false;
  private loopDone: Promise<void> = Promise.resolve();
  private releasing: Promise<void> | undefined;
  /** The lease as we last wrote it, so a renewal is one update without a read. */
  private ownLease: Lease | undefined;
  /** When (monotonic) we first saw the lease's current resourceVersion: others' terms are timed from here. */
  private observed: { resourceVersion: string; atMono: number } | undefined;
  /** Set while another holder's term is running: when it ends, on our monotonic clock. */
  private heldByOtherUntilMono: number | undefined;
  private cancelWatchdog: () => void = () => {};

  constructor(opts: LeaderElectionOptions) {
    this.client = opts.client;
    this.namespace = requireText(opts.namespace, "namespace");
    this.name = requireText(opts.name, "name");
    this.identity = requireText(opts.identity, "identity");
    this.leaseDurationMs = opts.leaseDurationMs ?? defaults.leaseDurationMs;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? defaults.renewDeadlineMs;
    this.retryPeriodMs = opts.retryPeriodMs ?? defaults.retryPeriodMs;
    validateTimings(this.leaseDurationMs, this.renewDeadlineMs, this.retryPeriodMs);
    this.clock = opts.clock ?? realClock;
    // Wall-clock time can step (NTP, a VM resumed); terms are timed on the monotonic clock unless a test injects time.
    const injected = opts.clock && !(opts.clock instanceof RealClock) ? opts.clock : undefined;
    this.monotonicNow = injected ? () => injected.now() : () => performance.now();
    this.log = opts.log?.child({ lease: `${this.namespace}/${this.name}`, identity: this.identity });
    this.lost = this.lostController.signal;
    this.acquired = new Promise<void>((resolve, reject) => {
      this.resolveAcquired = resolve;
      this.rejectAcquired = reject;
    });
    // Nobody has to await `acquired`; a release() before acquisition must not become an unhandled rejection.
    this.acquired.catch(() => {});
  }

  start(): void {
    this.loopDone = this.campaign().catch((err: unknown) => {
      this.log?.error({ err }, "leader election loop failed");
      this.loseLeadership("leader election loop failed");
    });
  }

  isLeader(): boolean {
    return this.leading && !this.lost.aborted;
  }

  release(): Promise<void> {
    this.releasing ??= this.doRelease();
    return this.releasing;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async campaign(): Promise<void> {
    while (!this.stopped) {
      const attemptStartMono = this.monotonicNow();
      let held = false;
      try {
        held = await this.tryAcquireOrRenew();
      } catch (err) {
        this.log?.warn(
          { err: describeError(err) },
          this.leading ? "lease renewal failed" : "lease acquisition failed",
        );
      }
      // The watchdog or release() may have ended leadership while the request was in flight.
      if (this.stopped) return;
      if (held) {
        if (!this.leading) {
          this.leading = true;
          this.log?.info("acquired leadership");
          this.resolveAcquired();
        }
        // Time the deadline from when the successful request was sent: the server wrote the renewal after
        // that, so everyone else times our term from a later point and we always give up first.
        this.armWatchdog(attemptStartMono);
      } else if (this.leading && this.heldByOtherUntilMono !== undefined) {
        // Another process wrote itself in as holder (an operator, or a clock-skewed peer): stop at once.
        this.loseLeadership("lease taken by another holder");
        return;
      }
      try {
        await this.clock.sleep(this.nextAttemptDelay(), this.stopController.signal);
      } catch {
        return;
      }
    }
  }

  /** A follower wakes up right when the holder's term runs out rather than up to one retry period later. */
  private nextAttemptDelay(): number {
    if (this.leading || !this.heldByOtherUntilMono) return this.retryPeriodMs;
    const untilExpiry = this.heldByOtherUntilMono - this.monotonicNow();
    return Math.max(1, Math.min(this.retryPeriodMs, untilExpiry + 1));
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    if (this.leading && this.ownLease) {
      try {
        this.ownLease = await this.client.update(LeaseKind, this.withHolder(this.ownLease, true));
        this.observe(this.ownLease);
        return true;
      } catch (err) {
        if (httpStatusOf(err) !== 409) throw err;
        // Someone else wrote the lease: read it and decide below whether it is still ours.
        this.ownLease = undefined;
      }
    }

    let lease: Lease;
    try {
      lease = await this.client.get(LeaseKind, this.name, this.namespace);
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
      return this.createLease();
    }
    this.observe(lease);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    if (holder !== "" && holder !== this.identity) {
      const termMs = (spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
      const expiresAtMono = this.observed!.atMono + termMs;
      if (expiresAtMono > this.monotonicNow()) {
        this.heldByOtherUntilMono = expiresAtMono;
        return false;
      }
      this.log?.info({ previousHolder: holder }, "lease expired, taking over");
    }
    this.heldByOtherUntilMono = undefined;
    try {
      this.ownLease = await this.client.update(LeaseKind, this.withHolder(lease, holder === this.identity));
    } catch (err) {
      if (httpStatusOf(err) === 409) return false; // another candidate won this round
      throw err;
    }
    this.observe(this.ownLease);
    return true;
  }

  private async createLease(): Promise<boolean> {
    const now = toMicroTime(this.clock.now());
    try {
      this.ownLease = await this.client.create(LeaseKind, {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.name, namespace: this.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: this.leaseDurationSeconds(),
          acquireTime: now,
          renewTime: now,
          leaseTransitions: 0,
        },
      });
    } catch (err) {
      if (httpStatusOf(err) === 409) return false; // another candidate created it first
      throw err;
    }
    this.observe(this.ownLease);
    return true;
  }

  /** The lease with us as holder: a renewal keeps acquireTime and the transition count, a takeover bumps them. */
  private withHolder(lease: Lease, alreadyOurs: boolean): Lease {
    const spec = lease.spec ?? {};
    const now = toMicroTime(this.clock.now());
    const transitions = spec.leaseTransitions ?? 0;
    return {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.leaseDurationSeconds(),
        renewTime: now,
        acquireTime: alreadyOurs && spec.acquireTime ? spec.acquireTime : now,
        leaseTransitions: alreadyOurs ? transitions : transitions + 1,
      },
    };
  }

  private leaseDurationSeconds(): number {
    return Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
  }

  /** Remembers when the lease last changed, on our own clock: other processes' clocks are never trusted. */
  private observe(lease: Lease): void {
    const resourceVersion = lease.metadata?.resourceVersion ?? "";
    if (this.observed?.resourceVersion !== resourceVersion) {
      this.observed = { resourceVersion, atMono: this.monotonicNow() };
    }
  }

  private armWatchdog(renewSentAtMono: number): void {
    this.cancelWatchdog();
    const remaining = renewSentAtMono + this.renewDeadlineMs - this.monotonicNow();
    this.cancelWatchdog = this.clock.setTimeout(() => {
      this.loseLeadership(`could not renew the lease within renewDeadline (${this.renewDeadlineMs} ms)`);
    }, remaining);
  }

  private loseLeadership(reason: string): void {
    if (this.lost.aborted) return;
    const wasLeading = this.leading;
    this.leading = false;
    this.cancelWatchdog();
    this.stopController.abort();
    if (wasLeading) this.log?.error({ reason }, "lost leadership");
    this.lostController.abort(new Error(`leadership lost: ${reason}`));
    this.rejectAcquired(new Error(`leader election ended before the lease was acquired: ${reason}`));
  }

  private async doRelease(): Promise<void> {
    const wasLeading = this.isLeader();
    const lease = this.ownLease;
    // Stop our own writers first: once the holder is cleared, a successor may start at once.
    this.leading = false;
    this.cancelWatchdog();
    this.stopController.abort();
    if (!this.lost.aborted) this.lostController.abort(new Error("leadership released"));
    this.rejectAcquired(new Error("leader election released before the lease was acquired"));
    // An in-flight renewal could otherwise overwrite the release; bounded so a dead apiserver cannot hang shutdown.
    await withTimeout(this.loopDone, this.renewDeadlineMs);
    if (!wasLeading || !lease) return;
    const now = toMicroTime(this.clock.now());
    const spec = { ...(this.ownLease ?? lease).spec };
    delete spec.holderIdentity;
    try {
      await withTimeout(
        this.client.update(LeaseKind, {
          ...(this.ownLease ?? lease),
          spec: { ...spec, leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
        }),
        this.renewDeadlineMs,
      );
      this.log?.info("released leadership");
    } catch (err) {
      // The lease then simply expires after leaseDuration.
      this.log?.warn({ err: describeError(err) }, "could not clear the lease holder on release");
    }
  }
}

function requireText(value: string, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(`startLeaderElection: ${field} must be a non-empty string`);
  }
  return value;
}

function validateTimings(leaseDurationMs: number, renewDeadlineMs: number, retryPeriodMs: number): void {
  if (leaseDurationMs > MAX_TIMER_MS) {
    throw new Error(
      `startLeaderElection: leaseDurationMs (${leaseDurationMs}) must be at most ${MAX_TIMER_MS} ms, the longest timer the platform holds`,
    );
  }
  if (!(retryPeriodMs > 0 && renewDeadlineMs > retryPeriodMs && leaseDurationMs > renewDeadlineMs)) {
    throw new Error(
      `startLeaderElection: need 0 < retryPeriodMs (${retryPeriodMs}) < renewDeadlineMs (${renewDeadlineMs}) < leaseDurationMs (${leaseDurationMs}), ` +
        "so a leader that cannot renew gives up before its lease can expire for others",
    );
  }
}

/** Resolves or rejects like p, or rejects after ms; the timer never keeps the process alive. */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), timerDelay(ms));
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
