// A layer tarball that depends only on the files' contents and names: entries sorted by name, every mtime at the
// epoch, owner root (numeric), no atime/ctime. GNU tar does the work.
import { spawnSync } from "node:child_process";

/** The epoch every entry of every layer carries (SOURCE_DATE_EPOCH for the base). */
export const LAYER_EPOCH = 0;

/**
 * Writes `out` from the entries `paths` (relative to `dir`, e.g. ["app"] or ["etc", "lib", "usr"]). With
 * `normalizeModes`, files get u+rw go+r (plus x where anyone had it) whatever the umask was; the base keeps the
 * modes Debian's packages give (e.g. /tmp's sticky bit).
 */
export function writeReproducibleTar(
  dir: string,
  paths: readonly string[],
  out: string,
  normalizeModes = true,
): void {
  const args = [
    "--create",
    `--file=${out}`,
    `--directory=${dir}`,
    "--sort=name",
    `--mtime=@${LAYER_EPOCH}`,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    ...(normalizeModes ? ["--mode=u+rwX,go+rX,go-w"] : []),
    "--format=posix",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    "--",
    ...[...paths].sort(),
  ];
  const res = spawnSync("tar", args, { stdio: ["ignore", "inherit", "inherit"] });
  if (res.status !== 0) throw new Error(`tar ${args.join(" ")} exited ${res.status ?? "by signal"}`);
}
