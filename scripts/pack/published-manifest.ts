// The package.json a publishable workspace package ships with. In the repository, each export carries a
// `@kruise/source` condition pointing into src/ (how the monorepo runs TypeScript without a build); a published
// package has no src/, so the condition, the repository-only scripts and the dev dependencies stay out of the
// tarball's manifest.

/** The export condition that resolves a workspace package to its sources while developing. */
export const SOURCE_CONDITION = "@kruise/source";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Manifest = { [key: string]: Json };

/** Drops the source condition at every level of an `exports` value. */
export function withoutSourceCondition(exportsValue: Json): Json {
  if (Array.isArray(exportsValue)) return exportsValue.map(withoutSourceCondition);
  if (exportsValue === null || typeof exportsValue !== "object") return exportsValue;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(exportsValue)) {
    if (key === SOURCE_CONDITION) continue;
    out[key] = withoutSourceCondition(value);
  }
  return out;
}

/**
 * The manifest as published: exports without the source condition, no `scripts` (they only make sense inside
 * the repository) and no `devDependencies`.
 */
export function publishedManifest(manifest: Manifest): Manifest {
  const out: Manifest = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key === "scripts" || key === "devDependencies") continue;
    out[key] = key === "exports" ? withoutSourceCondition(value) : value;
  }
  return out;
}

/** Every file an `exports` value points at, e.g. `./dist/index.js`, for checking that each one ships. */
export function exportTargets(exportsValue: Json): string[] {
  if (typeof exportsValue === "string") return [exportsValue];
  if (exportsValue === null || typeof exportsValue !== "object") return [];
  const values = Array.isArray(exportsValue) ? exportsValue : Object.values(exportsValue);
  return values.flatMap(exportTargets);
}
