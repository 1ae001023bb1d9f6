// Namespaces with a meaning to Kruise.

/**
 * Where the ImagePullJob controller copies a job's pull Secrets, and the only namespace whose Secrets the node
 * agent (kruise-daemon) reads (OpenKruise's namespace of the same name).
 */
export const KRUISE_DAEMON_CONFIG_NAMESPACE = "kruise-daemon-config";
