export { startLeaderElection, type LeaderElection, type LeaderElectionOptions } from "./leader-election.ts";
export { leaseKind, toMicroTime } from "./lease.ts";
