export { startLeaderElection, type LeaderElection, type LeaderElectionOptions } from "./leader-election.ts";
export { toMicroTime } from "./lease.ts";
