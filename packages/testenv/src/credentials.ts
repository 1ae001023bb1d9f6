import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface StaticUser {
  name: string;
  groups: string[];
  token: string;
}

export interface Credentials {
  adminToken: string;
  /** Users of the token file other than admin, by name. */
  users: StaticUser[];
  tokenFile: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

/** Where writeCredentials puts the RSA pair that signs ServiceAccount tokens. */
export function serviceAccountKeyPaths(dir: string): { privateKey: string; publicKey: string } {
  return { privateKey: join(dir, "service-account.key"), publicKey: join(dir, "service-account.pub") };
}

export function randomToken(): string {
  return randomBytes(24).toString("hex");
}

const ADMIN = "testenv-admin";

/** The tokens of an earlier token file, by user name (empty when there is none). */
async function earlierTokens(tokenFile: string): Promise<Map<string, string>> {
  if (!existsSync(tokenFile)) return new Map();
  const lines = (await readFile(tokenFile, "utf8")).split("\n").filter((line) => line.includes(","));
  return new Map(lines.map((line) => [line.split(",")[1] ?? "", line.split(",")[0] ?? ""] as const));
}

/**
 * Writes the static token file (admin in system:masters plus the requested users) and the RSA pair
 * that signs ServiceAccount tokens, so TokenRequest works without a token controller. With `keep`, the tokens
 * and the key pair of an earlier call on the same dir are reused (users new to this call get new tokens).
 */
export async function writeCredentials(
  dir: string,
  extraUsers: Record<string, string[]>,
  keep = false,
): Promise<Credentials> {
  const tokenFile = join(dir, "tokens.csv");
  const earlier = keep ? await earlierTokens(tokenFile) : new Map<string, string>();
  const tokenOf = (name: string): string => earlier.get(name) || randomToken();
  const adminToken = tokenOf(ADMIN);
  const users = Object.entries(extraUsers).map(([name, groups]) => ({ name, groups, token: tokenOf(name) }));
  const lines = [{ name: ADMIN, groups: ["system:masters"], token: adminToken }, ...users].map(
    (user) => `${user.token},${user.name},${user.name},"${user.groups.join(",")}"`,
  );
  await writeFile(tokenFile, `${lines.join("\n")}\n`, { mode: 0o600 });

  const { privateKey: serviceAccountPrivateKey, publicKey: serviceAccountPublicKey } =
    serviceAccountKeyPaths(dir);
  if (keep && existsSync(serviceAccountPrivateKey) && existsSync(serviceAccountPublicKey))
    return { adminToken, users, tokenFile, serviceAccountPublicKey, serviceAccountPrivateKey };
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await writeFile(serviceAccountPrivateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  await writeFile(serviceAccountPublicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
  return { adminToken, users, tokenFile, serviceAccountPublicKey, serviceAccountPrivateKey };
}
