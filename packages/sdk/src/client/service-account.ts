// Who an in-cluster process is: the service account its projected token names. The client records it as the field
// manager of its writes, so an object's managedFields say which ServiceAccount (hence which controller's RBAC)
// wrote it.

/** The API server's limit on a field manager's length. */
const MAX_FIELD_MANAGER_LENGTH = 128;

/**
 * The username (`system:serviceaccount:<namespace>:<name>`) a service-account token authenticates as, read from
 * its `sub` claim; undefined for anything else (not a JWT, another subject).
 *
 * # Caveats
 * - The token is not verified: it is our own credential, read only to name ourselves. The API server decides who
 *   we are.
 */
export function serviceAccountUser(token: string): string | undefined {
  const payload = token.trim().split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" && /^system:serviceaccount:[^:]+:[^:]+$/.test(claims.sub)
      ? claims.sub
      : undefined;
  } catch {
    return undefined;
  }
}

/** A user name as a field manager the API server accepts (at most 128 characters). */
export function fieldManagerFor(user: string): string {
  return user.slice(0, MAX_FIELD_MANAGER_LENGTH);
}
