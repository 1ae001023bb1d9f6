// Runs one leader elector in its own process so a test can SIGKILL it. Settings come from the environment;
// it prints one JSON line per state change ({"event":"acquired"} / {"event":"lost"}).
import { startLeaderElection } from "../../src/leader/index.ts";
import { createTestClient } from "./comms-client.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`leader-child: ${name} is not set`);
  return value;
};

const election = startLeaderElection({
  client: createTestClient({
    server: env("LEADER_SERVER"),
    token: env("LEADER_TOKEN"),
    ca: env("LEADER_CA"),
  }),
  namespace: env("LEADER_NAMESPACE"),
  name: env("LEADER_NAME"),
  identity: env("LEADER_IDENTITY"),
  leaseDurationMs: Number(env("LEADER_LEASE_MS")),
  renewDeadlineMs: Number(env("LEADER_RENEW_MS")),
  retryPeriodMs: Number(env("LEADER_RETRY_MS")),
});
election.acquired.then(
  () => process.stdout.write(`${JSON.stringify({ event: "acquired", at: Date.now() })}\n`),
  () => {},
);
election.lost.addEventListener("abort", () =>
  process.stdout.write(`${JSON.stringify({ event: "lost", at: Date.now() })}\n`),
);
process.on("SIGTERM", () => {
  void election.release().finally(() => process.exit(0));
});
// Keep the process alive: the elector's timers are unref'd.
setInterval(() => {}, 60_000);
