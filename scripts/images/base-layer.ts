// The base layer every controller image shares: the C and C++ runtime Node links against (Debian's libc6,
// libgcc-s1, libstdc++6, extracted by mmdebstrap without maintainer scripts), an /etc/passwd with the non-root
// user the charts run as, and an empty /tmp. Built once and cached by its recipe's hash in ~/.cache/kruise-ts.
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAYER_EPOCH, writeReproducibleTar } from "./reproducible-tar.ts";
import { must } from "./tools.ts";

/** The uid and gid the images run as (the charts' runAsUser/runAsGroup; distroless' "nonroot"). */
export const IMAGE_USER = 65532;

const SUITE = "bookworm";
const PACKAGES = ["libc6", "libgcc-s1", "libstdc++6"];
const EXCLUDES = [
  "/usr/share/doc/*",
  "/usr/share/man/*",
  "/usr/share/locale/*",
  "/usr/share/lintian/*",
  "/usr/share/info/*",
  "/usr/lib/x86_64-linux-gnu/gconv/*",
];
const PASSWD = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${IMAGE_USER}:${IMAGE_USER}:nonroot:/home/nonroot:/sbin/nologin\n`;
const GROUP = `root:x:0:\nnonroot:x:${IMAGE_USER}:\n`;

const recipe = JSON.stringify({ SUITE, PACKAGES, EXCLUDES, PASSWD, GROUP, LAYER_EPOCH, v: 1 });
export const BASE_KEY = createHash("sha256").update(recipe).digest("hex").slice(0, 16);

/** The base layer's tarball, built when the cache lacks it. */
export function baseLayer(cacheDir: string, log: (line: string) => void): string {
  const out = join(cacheDir, `base-${SUITE}-${BASE_KEY}.tar`);
  if (existsSync(out)) return out;
  log(`base layer: mmdebstrap ${SUITE} ${PACKAGES.join(" ")} (cached afterwards in ${cacheDir})`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "kruise-base-"));
  try {
    const raw = join(work, "raw.tar");
    must(
      "mmdebstrap",
      [
        "--quiet",
        "--variant=extract",
        `--include=${PACKAGES.join(",")}`,
        ...EXCLUDES.map((path) => `--dpkgopt=path-exclude=${path}`),
        SUITE,
        raw,
      ],
      { env: { ...process.env, SOURCE_DATE_EPOCH: String(LAYER_EPOCH) } },
    );
    const rootfs = join(work, "rootfs");
    mkdirSync(rootfs);
    must("tar", [
      "--extract",
      `--file=${raw}`,
      `--directory=${rootfs}`,
      "--numeric-owner",
      "--exclude=./dev/*",
    ]);
    // The container runtime provides /dev, /proc and /sys; the package tooling is dead weight at run time.
    for (const path of ["dev", "var/lib/apt", "var/cache", "var/log", "etc/apt", "etc/dpkg"])
      rmSync(join(rootfs, path), { recursive: true, force: true });
    writeFileSync(join(rootfs, "etc/passwd"), PASSWD);
    writeFileSync(join(rootfs, "etc/group"), GROUP);
    mkdirSync(join(rootfs, "tmp"), { recursive: true });
    chmodSync(join(rootfs, "tmp"), 0o1777);
    mkdirSync(join(rootfs, "home/nonroot"), { recursive: true });
    const partial = `${out}.partial`;
    writeReproducibleTar(rootfs, readdirSync(rootfs), partial, false);
    renameSync(partial, out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
