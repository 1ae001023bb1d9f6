import { MIRRORED_REGISTRIES } from "../components/registry.ts";
import { qualifiedRepository } from "./image-id.ts";

/** What a pull of one image would find: its `imageID` (repo@manifest digest), or why it fails. */
export type ImageResolution = { found: true; imageID: string } | { found: false; message: string };

const MIRRORED = new Set(MIRRORED_REGISTRIES);

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Splits a reference into the registry host, the repository path there, and a tag or digest. */
export function parseImageReference(image: string): { host: string; path: string; reference: string } {
  const qualified = qualifiedRepository(image);
  const slash = qualified.indexOf("/");
  const host = qualified.slice(0, slash);
  const path = qualified.slice(slash + 1);
  const at = image.indexOf("@");
  if (at >= 0) return { host, path, reference: image.slice(at + 1) };
  const lastSlash = image.lastIndexOf("/");
  const lastColon = image.lastIndexOf(":");
  return { host, path, reference: lastColon > lastSlash ? image.slice(lastColon + 1) : "latest" };
}

/**
 * Looks images up in the local registry the way containerd on a real node would pull them through
 * its mirror: `nginx:1.25` is `library/nginx:1.25` there, and the imageID is the manifest digest the
 * registry serves. Found images are remembered (tags are not re-pushed behind a running pod); a
 * missing one is asked again on every call, so an image pushed later is found.
 *
 * # Caveats
 * Registries other than the mirrored ones and the local registry itself are unreachable
 * (as on this machine's real nodes): their images fail to pull.
 */
export class RegistryImageResolver {
  readonly #url: string;
  readonly #address: string;
  readonly #found = new Map<string, ImageResolution>();
  readonly #inFlight = new Map<string, Promise<ImageResolution>>();

  /** `url` is http://127.0.0.1:<port>. */
  constructor(url: string) {
    this.#url = url.replace(/\/$/, "");
    this.#address = new URL(this.#url).host;
  }

  async resolve(image: string): Promise<ImageResolution> {
    const known = this.#found.get(image);
    if (known !== undefined) return known;
    let pending = this.#inFlight.get(image);
    if (pending === undefined) {
      pending = this.#lookup(image).finally(() => this.#inFlight.delete(image));
      this.#inFlight.set(image, pending);
    }
    return pending;
  }

  /** Resolves every image at once; the map is keyed by the image string as written in the spec. */
  async resolveAll(images: Iterable<string>): Promise<Map<string, ImageResolution>> {
    const unique = [...new Set(images)];
    const results = await Promise.all(unique.map((image) => this.resolve(image)));
    return new Map(unique.map((image, i) => [image, results[i] as ImageResolution]));
  }

  async #lookup(image: string): Promise<ImageResolution> {
    const { host, path, reference } = parseImageReference(image);
    const qualified = `${host}/${path}`;
    const shown = `${qualified}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`;
    if (!MIRRORED.has(host) && host !== this.#address) {
      return {
        found: false,
        message: `failed to pull and unpack image "${shown}": failed to resolve reference "${shown}": failed to do request: Head "https://${host}/v2/${path}/manifests/${reference}": dial tcp: lookup ${host}: no such host`,
      };
    }
    let response: Response;
    try {
      response = await fetch(`${this.#url}/v2/${path}/manifests/${reference}`, {
        method: "HEAD",
        headers: { Accept: MANIFEST_TYPES },
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      return {
        found: false,
        message: `failed to pull image "${shown}": registry ${this.#url}: ${String(error)}`,
      };
    }
    const digest = response.headers.get("docker-content-digest");
    if (response.status === 200 && digest !== null) {
      const result: ImageResolution = { found: true, imageID: `${qualified}@${digest}` };
      this.#found.set(image, result);
      return result;
    }
    return {
      found: false,
      message: `failed to pull and unpack image "${shown}": failed to resolve reference "${shown}": ${shown}: not found`,
    };
  }
}
