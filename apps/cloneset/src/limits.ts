/**
 * Most pods one reconcile creates, as kube-controller-manager's ReplicaSet controller (burstReplicas 500). The pods of
 * one reconcile are built in memory before they are sent, so without a bound `replicas: 1000000000` would exhaust
 * the heap before the first API call (and again after every restart). The rest come in the next reconciles, once
 * the cache has seen these.
 */
export const MAX_CREATES_PER_RECONCILE = 500;
