import type { ChildInfo } from "./children.ts";

/**
 * Finished children beyond the history limits, oldest first: successful ones beyond successfulJobsHistoryLimit and
 * failed ones beyond failedJobsHistoryLimit. A child without a startTime counts as oldest, as in OpenKruise.
 * An unset limit keeps everything (the CRD defaults them to 3 and 1).
 */
export function childrenBeyondHistory(
  children: readonly ChildInfo[],
  limits: { successful?: number; failed?: number },
): ChildInfo[] {
  return [
    ...beyond(
      children.filter((c) => c.state === "Complete"),
      limits.successful,
    ),
    ...beyond(
      children.filter((c) => c.state === "Failed"),
      limits.failed,
    ),
  ];
}

function beyond(finished: ChildInfo[], limit: number | undefined): ChildInfo[] {
  if (limit === undefined) return [];
  const sorted = [...finished].sort(
    (a, b) => (a.startTime ?? -Infinity) - (b.startTime ?? -Infinity) || a.name.localeCompare(b.name),
  );
  return sorted.slice(0, Math.max(0, sorted.length - limit));
}
