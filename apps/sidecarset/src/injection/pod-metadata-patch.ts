// patchPodMetadata: annotations a SidecarSet writes on its pods, at injection and at every in-place upgrade.
import type { SidecarSetPatchPodMetadata } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";

/**
 * The pod annotations after applying `patches` to `current`: Retain sets only missing keys, Overwrite always sets,
 * MergePatchJson merges the JSON object value into the existing one (RFC 7386). A value that is not JSON makes
 * MergePatchJson throw, naming the key.
 */
export function applyPodMetadataPatches(
  current: Readonly<Record<string, string>>,
  patches: readonly ReadOnly<SidecarSetPatchPodMetadata>[] | undefined,
): Record<string, string> {
  const out = { ...current };
  for (const p of patches ?? []) {
    for (const [key, value] of Object.entries(p.annotations ?? {})) {
      const policy = p.patchPolicy ?? "Retain";
      if (policy === "Retain") {
        if (!(key in out)) out[key] = value;
      } else if (policy === "Overwrite") {
        out[key] = value;
      } else {
        const base = key in out ? parseObject(key, out[key]!) : {};
        out[key] = JSON.stringify(mergePatch(base, parseObject(key, value)));
      }
    }
  }
  return out;
}

function parseObject(key: string, text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new Error(`patchPodMetadata: annotation ${key} must hold a JSON object for MergePatchJson`);
  return v as Record<string, unknown>;
}

function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (
      typeof v === "object" &&
      !Array.isArray(v) &&
      typeof out[k] === "object" &&
      out[k] !== null &&
      !Array.isArray(out[k])
    )
      out[k] = mergePatch(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}
