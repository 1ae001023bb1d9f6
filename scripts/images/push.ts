// Copies an image from the OCI layout to a registry with skopeo. Blobs go as they are (no recompression), so the
// registry's digests are the layout's.
import { must } from "./tools.ts";

/** Loopback registries (the test environment's) speak plain HTTP. */
const isLoopback = (registry: string): boolean =>
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/.test(registry);

/** Pushes `tag` as `<registry>/<tag>:<version>` and returns that reference. */
export function pushImage(layout: string, tag: string, registry: string, version: string): string {
  const ref = `${registry.replace(/\/+$/, "")}/${tag}:${version}`;
  must("skopeo", [
    "copy",
    "--quiet",
    "--preserve-digests",
    ...(isLoopback(registry) ? ["--dest-tls-verify=false"] : []),
    `oci:${layout}:${tag}`,
    `docker://${ref}`,
  ]);
  return ref;
}
