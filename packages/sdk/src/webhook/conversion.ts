// ConversionReview v1 (apiextensions.k8s.io/v1): the CRD conversion webhook's request and response.

export interface ConversionRequest {
  uid: string;
  /** e.g. "apps.kruise.io/v1beta1" */
  desiredAPIVersion: string;
  objects: Array<Record<string, unknown>>;
}

export interface ConversionResponse {
  uid: string;
  convertedObjects: Array<Record<string, unknown>>;
  result: { status: "Success" | "Failure"; message?: string };
}

export interface ConversionReview {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "ConversionReview";
  request?: ConversionRequest;
  response?: ConversionResponse;
}

/**
 * Converts one object to `desiredAPIVersion`. It must set `apiVersion` and keep metadata (name, uid, labels,
 * annotations, resourceVersion) unchanged: the API server rejects a response that changes them. A throw fails the
 * whole review with the error's message.
 */
export type ConversionHandler = (
  object: Record<string, unknown>,
  desiredAPIVersion: string,
) => Record<string, unknown>;

/** Runs `convert` over a review's objects. */
export function convertReview(request: ConversionRequest, convert: ConversionHandler): ConversionResponse {
  try {
    const convertedObjects = request.objects.map((o) =>
      o["apiVersion"] === request.desiredAPIVersion ? o : convert(o, request.desiredAPIVersion),
    );
    return { uid: request.uid, convertedObjects, result: { status: "Success" } };
  } catch (err) {
    return {
      uid: request.uid,
      convertedObjects: [],
      result: { status: "Failure", message: err instanceof Error ? err.message : String(err) },
    };
  }
}
