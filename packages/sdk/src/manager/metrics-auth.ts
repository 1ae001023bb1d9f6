import type { Kind } from "../kind.ts";

/** The slice of the client the authorizer needs (the manager's HttpClient, a fake in unit tests). */
export interface ReviewClient {
  create<T>(kind: Kind<T>, obj: T): Promise<T>;
}

interface TokenReview {
  apiVersion: "authentication.k8s.io/v1";
  kind: "TokenReview";
  spec: { token: string };
  status?: { authenticated?: boolean; user?: { username?: string; uid?: string; groups?: string[] } };
}

interface SubjectAccessReview {
  apiVersion: "authorization.k8s.io/v1";
  kind: "SubjectAccessReview";
  spec: {
    user?: string;
    uid?: string;
    groups?: string[];
    nonResourceAttributes: { path: string; verb: string };
  };
  status?: { allowed?: boolean; reason?: string };
}

const TokenReviewKind: Kind<TokenReview> = {
  group: "authentication.k8s.io",
  version: "v1",
  kind: "TokenReview",
  plural: "tokenreviews",
  namespaced: false,
};
const SubjectAccessReviewKind: Kind<SubjectAccessReview> = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SubjectAccessReview",
  plural: "subjectaccessreviews",
  namespaced: false,
};

/** An answer is reused this long per token, so a Prometheus scrape does not cost two API calls every time. */
const CACHE_TTL_MS = 10_000;
const CACHE_SIZE = 64;

/** 200: serve; 401: no or bad token; 403: a user not allowed `get` on the path. */
export type MetricsDecision = 200 | 401 | 403;

/**
 * controller-runtime's secure-metrics filter (WithAuthenticationAndAuthorization), without TLS: the bearer token is
 * checked by a TokenReview, and the user it names by a SubjectAccessReview for `get` on the non-resource path (the
 * `/metrics` rule Prometheus' ClusterRole grants).
 *
 * Guarantees: no token, an unknown token or a review that fails gives 401 (never serves on error); a user without the
 * rule gives 403. Caveats: the controller needs `create` on tokenreviews and subjectaccessreviews (the built-in
 * ClusterRole system:auth-delegator); answers are cached 10 s per token.
 */
export function metricsAuthorizer(
  client: ReviewClient,
  now: () => number = Date.now,
): (authorization: string | undefined, path: string) => Promise<MetricsDecision> {
  const cache = new Map<string, { decision: MetricsDecision; at: number }>();
  return async (authorization, path) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) return 401;
    const key = `${path} ${token}`;
    const hit = cache.get(key);
    if (hit !== undefined && now() - hit.at < CACHE_TTL_MS) return hit.decision;
    const decision = await review(client, token, path).catch((): MetricsDecision => 401);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? "");
    cache.set(key, { decision, at: now() });
    return decision;
  };
}

async function review(client: ReviewClient, token: string, path: string): Promise<MetricsDecision> {
  const tr = await client.create(TokenReviewKind, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenReview",
    spec: { token },
  });
  const user = tr.status?.user;
  if (tr.status?.authenticated !== true || user?.username === undefined) return 401;
  const sar = await client.create(SubjectAccessReviewKind, {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: user.username,
      ...(user.uid !== undefined ? { uid: user.uid } : {}),
      ...(user.groups !== undefined ? { groups: user.groups } : {}),
      nonResourceAttributes: { path, verb: "get" },
    },
  });
  return sar.status?.allowed === true ? 200 : 403;
}
