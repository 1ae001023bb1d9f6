// The oldest Node the SDK runs on. Its HTTP client (undici 8) needs 22.19: on anything older, importing it fails
// deep inside undici with `TypeError: Cannot read properties of undefined (reading 'bind')`. Evaluated first by
// the package's entry module, so an old Node gets this message instead.

/** The oldest supported Node release, as [major, minor]. */
export const MINIMUM_NODE: readonly [number, number] = [22, 19];

/** Why `version` (e.g. `process.versions.node`, "20.20.2") cannot run the SDK, or undefined when it can. */
export function unsupportedNodeReason(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const [minMajor, minMinor] = MINIMUM_NODE;
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `@kruise/sdk needs Node 22 or newer (${minMajor}.${minMinor} at least); this is Node ${version}.`;
}

const reason = unsupportedNodeReason(process.versions.node);
if (reason !== undefined) throw new Error(reason);
