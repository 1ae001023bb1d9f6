// Where prepack sets the repository's manifest aside while npm packs the published one.
export const MANIFEST = "package.json";
export const MANIFEST_BACKUP = "package.json.repository";
