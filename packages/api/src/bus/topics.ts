// How a consumer names the subjects of a contract: one subscription pattern per publishing kind. The scheme is
// @kruise/sdk's subjectPattern (`kruise.<kind lower>.*.*.<event>`); @kruise/api cannot import the SDK, so the
// workload package's bus-subjects test checks that the two agree.

/** `kruise.<kind lower>.*.*.<event>` for each publisher: what a consumer passes to `watchesEvents`. */
export function consumedSubjects(publishers: readonly string[], event: string): string[] {
  return publishers.map((kind) => `kruise.${kind.toLowerCase()}.*.*.${event}`);
}
