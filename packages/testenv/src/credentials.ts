import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
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

/**
 * Writes the static token file (admin in system:masters plus the requested users) and the RSA pair
 * that signs ServiceAccount tokens, so TokenRequest works without a token controller.
 */
export async function writeCredentials(
  dir: string,
  extraUsers: Record<string, string[]>,
): Promise<Credentials> {
  const adminToken = randomToken();
  const users = Object.entries(extraUsers).map(([name, groups]) => ({ name, groups, token: randomToken() }));
  const lines = [{ name: "testenv-admin", groups: ["system:masters"], token: adminToken }, ...users].map(
    (user) => `${user.token},${user.name},${user.name},"${user.groups.join(",")}"`,
  );
  const tokenFile = join(dir, "tokens.csv");
  await writeFile(tokenFile, `${lines.join("\n")}\n`, { mode: 0o600 });

  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const { privateKey: serviceAccountPrivateKey, publicKey: serviceAccountPublicKey } =
    serviceAccountKeyPaths(dir);
  await writeFile(serviceAccountPrivateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  await writeFile(serviceAccountPublicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
  return { adminToken, users, tokenFile, serviceAccountPublicKey, serviceAccountPrivateKey };
}
