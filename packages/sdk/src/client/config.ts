import { KubeConfig } from "@kubernetes/client-node";
import type https from "node:https";

/** Where the API server is and how to prove who we are. Built from a kubeconfig or the in-cluster service account. */
export interface RestConfig {
  /** Base URL, e.g. https://127.0.0.1:6443 */
  server: string;
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  /** Skip TLS verification (kubeconfig insecure-skip-tls-verify). */
  insecure?: boolean;
  tlsServerName?: string;
  /**
   * Returns the Authorization header value (or undefined). Called before requests; implementations cache, so
   * rotating in-cluster tokens and exec plugins are picked up without a restart.
   */
  authorization?: () => Promise<string | undefined>;
}

/**
 * Loads connection settings with @kubernetes/client-node's KubeConfig (file, $KUBECONFIG, ~/.kube/config or
 * in-cluster). Only the settings are taken from it; requests go through our own undici client.
 */
export async function loadRestConfig(kubeconfigPath?: string): Promise<RestConfig> {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error(
      `no current cluster in ${kubeconfigPath ?? "the default kubeconfig"}: pass --kubeconfig, set KUBECONFIG, or run in a cluster`,
    );
  }
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  let cached: { value: string | undefined; at: number } | undefined;
  const authorization = async (): Promise<string | undefined> => {
    // Re-ask the KubeConfig each minute: in-cluster tokens rotate and exec plugins hand out short-lived tokens.
    if (cached && Date.now() - cached.at < 60_000) return cached.value;
    const fresh: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(fresh);
    const headers = (fresh.headers ?? {}) as Record<string, unknown>;
    const value = headers.Authorization ?? headers.authorization;
    cached = { value: typeof value === "string" ? value : undefined, at: Date.now() };
    return cached.value;
  };
  const config: RestConfig = { server: cluster.server.replace(/\/+$/, ""), authorization };
  if (opts.ca) config.ca = opts.ca as Buffer;
  if (opts.cert) config.cert = opts.cert as Buffer;
  if (opts.key) config.key = opts.key as Buffer;
  if (opts.rejectUnauthorized === false) config.insecure = true;
  if (cluster.tlsServerName) config.tlsServerName = cluster.tlsServerName;
  return config;
}
