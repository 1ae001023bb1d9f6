import type { StatusDetails } from "kubernetes-types/meta/v1.js";

/** What the API server said about a failed request (a metav1.Status body), or what we could make of it. */
export interface ApiErrorInit {
  code: number;
  reason: string;
  message: string;
  details?: StatusDetails;
  verb: string;
  path: string;
}

/** A non-2xx answer from the API server. The subclasses name the reasons controllers branch on. */
export class ApiError extends Error {
  /** HTTP status code. */
  readonly code: number;
  /** metav1.StatusReason, e.g. "Conflict", "NotFound", "Invalid". */
  readonly reason: string;
  /** The Status' details (kind, name, causes, retryAfterSeconds), when the server sent them. */
  readonly details: StatusDetails | undefined;
  readonly verb: string;
  readonly path: string;

  constructor(init: ApiErrorInit) {
    super(`${init.verb} ${init.path}: ${init.code} ${init.reason}: ${init.message}`);
    this.name = new.target.name;
    this.code = init.code;
    this.reason = init.reason;
    this.details = init.details;
    this.verb = init.verb;
    this.path = init.path;
  }
}

/** 409 Conflict: the object changed since it was read (stale resourceVersion). Re-read and retry. */
export class ConflictError extends ApiError {}
/** 404 NotFound. */
export class NotFoundError extends ApiError {}
/** 409 AlreadyExists: create of a name that is taken. */
export class AlreadyExistsError extends ApiError {}
/** 422 Invalid: validation failed; details.causes names the fields. */
export class InvalidError extends ApiError {}
/** 403 Forbidden: RBAC denied it, or the namespace is terminating. */
export class ForbiddenError extends ApiError {}
/** 429 TooManyRequests: the server shed load; details.retryAfterSeconds says when to come back. */
export class TooManyRequestsError extends ApiError {}
/** 410 Gone / Expired: the resourceVersion asked for has been compacted away. Relist. */
export class GoneError extends ApiError {}

/** Raised by the client instead of a write once the manager has lost its leader lease. */
export class LeadershipLostError extends Error {
  constructor(verb: string, path: string) {
    super(`${verb} ${path}: refused, this process is no longer the leader`);
    this.name = "LeadershipLostError";
  }
}

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  details?: StatusDetails;
  code?: number;
}

/** Builds the typed error for a failed response from its status code and raw body. */
export function apiErrorFrom(code: number, body: string, verb: string, path: string): ApiError {
  let status: StatusBody = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") status = parsed;
  } catch {
    // Not a Status (e.g. a proxy's HTML page): keep the text as the message.
  }
  const reason = status.reason ?? defaultReason(code);
  const init: ApiErrorInit = {
    code,
    reason,
    message: status.message ?? (body.slice(0, 500) || "no message"),
    verb,
    path,
    ...(status.details ? { details: status.details } : {}),
  };
  return errorForReason(init);
}

/** A Status that arrived inside a watch stream as an ERROR event. */
export function apiErrorFromStatus(status: StatusBody, verb: string, path: string): ApiError {
  const code = status.code ?? 500;
  return errorForReason({
    code,
    reason: status.reason ?? defaultReason(code),
    message: status.message ?? "watch error",
    verb,
    path,
    ...(status.details ? { details: status.details } : {}),
  });
}

function errorForReason(init: ApiErrorInit): ApiError {
  switch (init.reason) {
    case "AlreadyExists":
      return new AlreadyExistsError(init);
    case "Conflict":
      return new ConflictError(init);
    case "NotFound":
      return new NotFoundError(init);
    case "Invalid":
      return new InvalidError(init);
    case "Forbidden":
      return new ForbiddenError(init);
    case "TooManyRequests":
      return new TooManyRequestsError(init);
    case "Gone":
    case "Expired":
      return new GoneError(init);
  }
  switch (init.code) {
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 410:
      return new GoneError(init);
    case 422:
      return new InvalidError(init);
    case 403:
      return new ForbiddenError(init);
    case 429:
      return new TooManyRequestsError(init);
  }
  return new ApiError(init);
}

function defaultReason(code: number): string {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Gone",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return reasons[code] ?? "Unknown";
}

/** True when err is a NotFoundError. Handy in reconcilers: a deleted object is usually not an error. */
export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}

/** True when err is a ConflictError. */
export function isConflict(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}

/** True when err is an AlreadyExistsError. */
export function isAlreadyExists(err: unknown): err is AlreadyExistsError {
  return err instanceof AlreadyExistsError;
}

/**
 * controller-runtime's IgnoreNotFound: returns quietly for a NotFoundError and rethrows anything else. Made for
 * `.catch()`: `await client.delete(kind, name, ns).catch(ignoreNotFound)`, where "already gone" is the goal.
 */
export function ignoreNotFound(err: unknown): void {
  if (!(err instanceof NotFoundError)) throw err;
}
