/** A non-2xx answer from kube-apiserver, with the Status reason and message it sent. */
export class KubeApiError extends Error {
  readonly code: number;
  /** metav1.StatusReason, e.g. "NotFound", "AlreadyExists", "Conflict", "Expired". */
  readonly reason: string;
  readonly verb: string;
  readonly path: string;

  constructor(code: number, reason: string, message: string, verb: string, path: string) {
    super(`${verb} ${path}: ${code} ${reason}: ${message}`);
    this.name = "KubeApiError";
    this.code = code;
    this.reason = reason;
    this.verb = verb;
    this.path = path;
  }

  static fromResponse(code: number, body: string, verb: string, path: string): KubeApiError {
    let reason = "Unknown";
    let message = body.slice(0, 500) || "no message";
    try {
      const status = JSON.parse(body) as { reason?: unknown; message?: unknown };
      if (typeof status.reason === "string") reason = status.reason;
      if (typeof status.message === "string") message = status.message;
    } catch {
      // Not a Status body: keep the raw text.
    }
    return new KubeApiError(code, reason, message, verb, path);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409 && error.reason === "AlreadyExists";
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409;
}
