// The SidecarSet's spec hashes, as OpenKruise's sidecarcontrol computes them: SHA-256 of the containers (and of the
// init containers when one is a native sidecar), in Kubernetes' safe alphabet; the second one with images blanked,
// so that "only images changed" is one string comparison.
import { createHash } from "node:crypto";
import type { SidecarContainer, SidecarSet } from "@kruise/api";
import { canonicalJson, safeEncodeString } from "@kruise/workload";
import type { ReadOnly } from "@kruise/sdk";

type SidecarSetView = ReadOnly<SidecarSet> | SidecarSet;

function encode(
  containers: readonly ReadOnly<SidecarContainer>[],
  init: readonly ReadOnly<SidecarContainer>[],
): string {
  const data: Record<string, unknown> = { containers };
  if (init.some((c) => c["restartPolicy"] === "Always")) data["initContainers"] = init;
  return safeEncodeString(createHash("sha256").update(canonicalJson(data)).digest("hex"));
}

/** kruise.io/sidecarset-hash of a SidecarSet. */
export function sidecarSetHash(ss: SidecarSetView): string {
  return encode(ss.spec?.containers ?? [], ss.spec?.initContainers ?? []);
}

/** kruise.io/sidecarset-hash-without-image: changes only when something other than an image changed. */
export function sidecarSetHashWithoutImage(ss: SidecarSetView): string {
  const blank = (cs: readonly ReadOnly<SidecarContainer>[] | undefined): ReadOnly<SidecarContainer>[] =>
    (cs ?? []).map((c) => ({ ...c, image: "" }));
  return encode(blank(ss.spec?.containers), blank(ss.spec?.initContainers));
}
