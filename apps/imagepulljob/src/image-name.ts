// Image references as NodeImage keys them: the normalised name (registry/repository, docker.io/library/ added as
// the container runtimes do) and the tag or digest, so "nginx:1.25" and "docker.io/library/nginx:1.25" are one.

export interface ImageNameTag {
  name: string;
  /** A tag, or a digest `sha256:…`. */
  tag: string;
}

/** Splits and normalises `ref`; a ref without tag or digest means `latest`. Throws on an empty ref. */
export function imageNameTag(ref: string): ImageNameTag {
  const trimmed = ref.trim();
  if (trimmed === "") throw new Error("spec.image is empty");
  let name = trimmed;
  let tag = "latest";
  const at = trimmed.indexOf("@");
  if (at >= 0) {
    name = trimmed.slice(0, at);
    tag = trimmed.slice(at + 1);
    const colon = name.lastIndexOf(":");
    if (colon > name.lastIndexOf("/")) name = name.slice(0, colon); // name:tag@digest: the digest wins
  } else {
    const colon = trimmed.lastIndexOf(":");
    if (colon > trimmed.lastIndexOf("/")) {
      name = trimmed.slice(0, colon);
      tag = trimmed.slice(colon + 1);
    }
  }
  const first = name.split("/")[0] ?? "";
  const hasHost = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasHost) name = `docker.io/${name.includes("/") ? name : `library/${name}`}`;
  return { name, tag };
}
