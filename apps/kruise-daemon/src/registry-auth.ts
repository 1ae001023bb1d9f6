// Pull credentials from docker-config Secrets, matched to the image's registry host as the kubelet does for
// imagePullSecrets: the host of `auths` keys (scheme and path dropped), docker.io also under index.docker.io.
import type { Secret } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";
import type { PullAuth } from "./cri/image-service.ts";

/** The registry host of an image name: its first path segment when it looks like a host, else docker.io. */
export function registryHost(imageName: string): string {
  const first = imageName.split("/")[0] ?? "";
  const isHost =
    imageName.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isHost ? first : "docker.io";
}

function hostOf(key: string): string {
  const bare = key.replace(/^[a-z]+:\/\//, "").split("/")[0] ?? "";
  return bare === "index.docker.io" || bare === "registry-1.docker.io" ? "docker.io" : bare;
}

interface DockerConfig {
  auths?: Record<
    string,
    { username?: string; password?: string; auth?: string; identitytoken?: string; registrytoken?: string }
  >;
}

/** The credentials in `secrets` (kubernetes.io/dockerconfigjson or dockercfg) for `imageName`'s registry. */
export function authsFor(imageName: string, secrets: readonly ReadOnly<Secret>[]): PullAuth[] {
  const host = registryHost(imageName);
  const found: PullAuth[] = [];
  for (const secret of secrets) {
    const raw = secret.data?.[".dockerconfigjson"] ?? secret.data?.[".dockercfg"];
    if (raw === undefined) continue;
    let parsed: DockerConfig;
    try {
      const json = JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as DockerConfig &
        DockerConfig["auths"];
      parsed = secret.data?.[".dockerconfigjson"] !== undefined ? json : { auths: json };
    } catch {
      continue; // a malformed Secret gives no credentials; the pull then fails with the registry's own error
    }
    for (const [key, entry] of Object.entries(parsed.auths ?? {})) {
      if (hostOf(key) !== host) continue;
      const auth: PullAuth = { serverAddress: host };
      if (entry.username !== undefined) auth.username = entry.username;
      if (entry.password !== undefined) auth.password = entry.password;
      if (entry.auth !== undefined) auth.auth = entry.auth;
      if (entry.identitytoken !== undefined) auth.identityToken = entry.identitytoken;
      if (entry.registrytoken !== undefined) auth.registryToken = entry.registrytoken;
      found.push(auth);
    }
  }
  return found;
}
