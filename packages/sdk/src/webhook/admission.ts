// AdmissionReview v1 (admission.k8s.io/v1) as typed values, and the results a handler returns.
import type { Logger } from "pino";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** The `request` of an AdmissionReview the API server sends. `object` is the object being admitted. */
export interface AdmissionRequest<T = unknown> {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo: AdmissionUserInfo;
  object?: T;
  oldObject?: T;
  dryRun?: boolean;
  options?: unknown;
}

export interface AdmissionReview<T = unknown> {
  apiVersion: "admission.k8s.io/v1";
  kind: "AdmissionReview";
  request?: AdmissionRequest<T>;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string };
  patchType?: "JSONPatch";
  /** base64 of the JSON Patch. */
  patch?: string;
  warnings?: string[];
}

/** One RFC 6902 JSON Patch operation. */
export interface JsonPatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: unknown;
  from?: string;
}

export interface Allowed {
  allowed: true;
  warnings?: string[];
}

export interface Patched {
  allowed: true;
  /** Applied by the API server to the object; an empty list is the same as Allowed. */
  patch: JsonPatchOperation[];
  warnings?: string[];
}

export interface Denied {
  allowed: false;
  /** Shown to the user (kubectl prints it after `admission webhook "<name>" denied the request:`). */
  message: string;
  /** HTTP-style code in the Status; default 403. */
  code?: number;
  /** Status reason, e.g. "Forbidden" or "Invalid". */
  reason?: string;
  warnings?: string[];
}

export type MutatingResult = Allowed | Patched | Denied;
export type ValidatingResult = Allowed | Denied;

/** What every handler gets besides the request. */
export interface AdmissionContext {
  /** Child logger with webhook path and request uid. */
  log: Logger;
  /** Aborted when the API server gives up on the request (its timeoutSeconds) or the server shuts down. */
  signal: AbortSignal;
}

/**
 * A mutating admission handler: a pure-as-possible function from the request to a patch or a denial. A throw
 * (or a rejected promise) is answered as a denial with code 500, so the API server's failurePolicy applies.
 */
export type MutatingHandler<T = unknown> = (
  request: AdmissionRequest<T>,
  ctx: AdmissionContext,
) => MutatingResult | Promise<MutatingResult>;

/** A validating admission handler: allow or deny, never a patch (the type forbids it). */
export type ValidatingHandler<T = unknown> = (
  request: AdmissionRequest<T>,
  ctx: AdmissionContext,
) => ValidatingResult | Promise<ValidatingResult>;

export const allow = (warnings?: string[]): Allowed =>
  warnings?.length ? { allowed: true, warnings } : { allowed: true };

export const patched = (patch: JsonPatchOperation[], warnings?: string[]): Patched =>
  warnings?.length ? { allowed: true, patch, warnings } : { allowed: true, patch };

export const deny = (
  message: string,
  options: { code?: number; reason?: string; warnings?: string[] } = {},
): Denied => ({ allowed: false, message, ...options });

/** Turns a handler's result into the AdmissionReview response for request `uid`. */
export function toAdmissionResponse(uid: string, result: MutatingResult): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: result.allowed };
  if (result.warnings?.length) response.warnings = result.warnings;
  if (!result.allowed) {
    const code = result.code ?? 403;
    response.status = {
      code,
      message: result.message,
      reason: result.reason ?? (code === 403 ? "Forbidden" : code >= 500 ? "InternalError" : "BadRequest"),
    };
  } else if ("patch" in result && result.patch.length > 0) {
    response.patchType = "JSONPatch";
    response.patch = Buffer.from(JSON.stringify(result.patch)).toString("base64");
  }
  return response;
}

/** Escapes a key for a JSON Pointer path segment (`~` then `/`), e.g. an annotation key. */
export function jsonPointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
