// `postpack`: restores the repository's package.json that prepack.ts set aside.
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST, MANIFEST_BACKUP } from "./manifest-files.ts";

const backup = join(process.cwd(), MANIFEST_BACKUP);
if (existsSync(backup)) renameSync(backup, join(process.cwd(), MANIFEST));
