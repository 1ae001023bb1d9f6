/** The JetStream stream every Kruise event lands in, and the subjects it captures. */
export const streamName = "KRUISE";
export const streamSubjects = "kruise.>";

/**
 * `kruise.<kind lower>.<namespace>.<name>.<event>`. The only place subjects are built.
 *
 * NATS splits subjects on "." and reserves "*", ">" and whitespace, while Kubernetes names may contain
 * dots. Every reserved character becomes "_", which no Kubernetes name contains, so the mapping stays
 * unambiguous for real object names. Cluster-scoped objects (no namespace) use "_" as the namespace token.
 */
export function subjectFor(kind: string, namespace: string, name: string, event: string): string {
  return ["kruise", token(kind.toLowerCase()), token(namespace), token(name), token(event)].join(".");
}

/**
 * The subscription subject for one event of one kind, in every namespace (or one): `kruise.<kind lower>.*.*.<event>`.
 * Subscribers build their subjects here, so the scheme stays in one place.
 */
export function subjectPattern(kind: string, event: string, namespace?: string): string {
  const ns = namespace === undefined ? "*" : token(namespace);
  return ["kruise", token(kind.toLowerCase()), ns, "*", token(event)].join(".");
}

/** The CloudEvents `type`: `io.kruise.<kind lower>.<event>`. */
export function cloudEventTypeFor(kind: string, event: string): string {
  return `io.kruise.${token(kind.toLowerCase())}.${token(event)}`;
}

function token(value: string): string {
  const cleaned = value.replace(/[.*>\s]/g, "_");
  return cleaned === "" ? "_" : cleaned;
}
