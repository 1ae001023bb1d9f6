import { existsSync, readFileSync } from "node:fs";
import type https from "node:https";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { serviceAccountUser } from "./service-account.ts";

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
  /**
   * Who the credentials authenticate as, when known: `system:serviceaccount:<ns>:<name>` in a cluster (from the
   * service account's token). The client names it as the field manager of its writes.
   */
  user?: string;
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Loads connection settings from a kubeconfig (the path given, else $KUBECONFIG, else ~/.kube/config) or, with
 * none, from the in-cluster service account.
 *
 * Plain kubeconfigs (certificates, tokens, token files, basic auth) are read here directly. Anything else (exec
 * plugins, auth providers, several merged files) goes to @kubernetes/client-node's KubeConfig. Why not always:
 * importing client-node loads its whole generated API surface, about 80 MiB of RSS, which alone would exceed a
 * controller's memory budget; it is imported only when needed.
 */
export async function loadRestConfig(kubeconfigPath?: string): Promise<RestConfig> {
  const path = kubeconfigPath ?? defaultKubeconfigPath();
  if (path === undefined) {
    if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(SERVICE_ACCOUNT_DIR, "token")))
      return inCluster();
    throw new Error(
      "no kubeconfig found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a cluster",
    );
  }
  if (path.includes(":")) return viaClientNode(path);
  return (await fromPlainKubeconfig(path)) ?? viaClientNode(path);
}

function defaultKubeconfigPath(): string | undefined {
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  const home = join(homedir(), ".kube", "config");
  return existsSync(home) ? home : undefined;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

type Fields = Record<string, unknown>;

async function fromPlainKubeconfig(path: string): Promise<RestConfig | undefined> {
  let doc: Fields;
  try {
    doc = parseYaml(readFileSync(path, "utf8")) as Fields;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${String(err)}`);
  }
  const current = doc["current-context"] as string | undefined;
  const context = (doc.contexts as Named<Fields>[] | undefined)?.find((c) => c.name === current)?.context;
  if (!context)
    throw new Error(
      `kubeconfig ${path}: current-context ${JSON.stringify(current)} is not among its contexts`,
    );
  const cluster = (doc.clusters as Named<Fields>[] | undefined)?.find(
    (c) => c.name === context.cluster,
  )?.cluster;
  if (!cluster?.server)
    throw new Error(`kubeconfig ${path}: cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = (doc.users as Named<Fields>[] | undefined)?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user["auth-provider"]) return undefined;
  const base = dirname(path);
  const fileOrData = (file: unknown, data: unknown): Buffer | undefined => {
    if (typeof data === "string" && data) return Buffer.from(data, "base64");
    if (typeof file === "string" && file) return readFileSync(isAbsolute(file) ? file : join(base, file));
    return undefined;
  };
  if (typeof cluster.server !== "string")
    throw new Error(`kubeconfig ${path}: cluster server must be a URL string`);
  const config: RestConfig = { server: cluster.server.replace(/\/+$/, "") };
  const ca = fileOrData(cluster["certificate-authority"], cluster["certificate-authority-data"]);
  const cert = fileOrData(user["client-certificate"], user["client-certificate-data"]);
  const key = fileOrData(user["client-key"], user["client-key-data"]);
  if (ca) config.ca = ca;
  if (cert) config.cert = cert;
  if (key) config.key = key;
  if (cluster["insecure-skip-tls-verify"] === true) config.insecure = true;
  if (typeof cluster["tls-server-name"] === "string") config.tlsServerName = cluster["tls-server-name"];
  if (typeof user.token === "string" && user.token) {
    const header = `Bearer ${user.token}`;
    config.authorization = async () => header;
  } else if (typeof user.tokenFile === "string" && user.tokenFile) {
    config.authorization = tokenFileAuth(
      isAbsolute(user.tokenFile) ? user.tokenFile : join(base, user.tokenFile),
    );
  } else if (typeof user.username === "string") {
    const header = `Basic ${Buffer.from(`${user.username}:${typeof user.password === "string" ? user.password : ""}`).toString("base64")}`;
    config.authorization = async () => header;
  }
  return config;
}

function inCluster(): RestConfig {
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
  const tokenFile = join(SERVICE_ACCOUNT_DIR, "token");
  // A rotated token names the same service account: reading it once is enough.
  const user = serviceAccountUser(readFileSync(tokenFile, "utf8"));
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    ca: readFileSync(join(SERVICE_ACCOUNT_DIR, "ca.crt")),
    authorization: tokenFileAuth(tokenFile),
    ...(user ? { user } : {}),
  };
}

/** Re-reads a token file each minute: projected service-account tokens rotate. */
function tokenFileAuth(file: string): () => Promise<string | undefined> {
  let cached: { value: string; at: number } | undefined;
  return async () => {
    if (!cached || Date.now() - cached.at > 60_000)
      cached = { value: `Bearer ${readFileSync(file, "utf8").trim()}`, at: Date.now() };
    return cached.value;
  };
}

async function viaClientNode(kubeconfigPath: string): Promise<RestConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  if (kubeconfigPath.includes(":")) kc.loadFromDefault();
  else kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`no current cluster in ${kubeconfigPath}: check its current-context`);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  let cached: { value: string | undefined; at: number } | undefined;
  const authorization = async (): Promise<string | undefined> => {
    // Re-ask the KubeConfig each minute: exec plugins and auth providers hand out short-lived tokens.
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
