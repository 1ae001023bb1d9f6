/**
 * Most API calls one reconcile keeps in flight. The client's token bucket sets the pace; this only bounds how many
 * requests (and their bodies) wait in memory, which matters with thousands of pods.
 */
export const MAX_IN_FLIGHT = 64;
