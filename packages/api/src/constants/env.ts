// Container environment variables with a meaning to Kruise.

/** Containers: higher starts (and is updated in place) first. */
export const CONTAINER_PRIORITY_ENV = "KRUISE_CONTAINER_PRIORITY";
/** Containers: injected barrier for ordered launch. */
export const CONTAINER_BARRIER_ENV = "KRUISE_CONTAINER_BARRIER";
/** Injected sidecars: marks a container as injected by a SidecarSet. */
export const SIDECAR_INJECTED_ENV = "IS_INJECTED";
/**
 * Containers: env names a SidecarSet injects from its pod's metadata; an env-from-metadata in-place update ignores
 * them (a SidecarSet restarts its sidecars itself).
 */
export const SIDECARSET_VERSION_ENVS: readonly string[] = ["SIDECARSET_VERSION", "SIDECARSET_VERSION_ALT"];
