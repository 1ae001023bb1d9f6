import { createHash, randomBytes } from "node:crypto";

/** Fully qualifies a short image reference the way container runtimes report it ("nginx" -> "docker.io/library/nginx"). */
export function qualifiedRepository(image: string): string {
  const withoutDigest = image.split("@")[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  const repository = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const parts = repository.split("/");
  const first = parts[0] ?? "";
  const hasRegistry =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return repository;
  return parts.length === 1 ? `docker.io/library/${repository}` : `docker.io/${repository}`;
}

/** A stable, image-specific imageID: the same image string always maps to the same digest. */
export function imageIdFor(image: string): string {
  const digest = createHash("sha256").update(image).digest("hex");
  return `${qualifiedRepository(image)}@sha256:${digest}`;
}

export function newContainerId(): string {
  return `containerd://${randomBytes(32).toString("hex")}`;
}
