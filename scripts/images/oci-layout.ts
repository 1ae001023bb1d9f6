// Assembles images in one local OCI image layout with umoci. Layers are added verbatim (umoci gzips them), every
// timestamp is the epoch, so the same layer tarballs always give the same blobs, manifests and digests, and the
// images that share the base and Node layers share their blobs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { must } from "./tools.ts";

const EPOCH_ISO = new Date(0).toISOString().replace(".000", "");

export interface LayerSpec {
  tar: string;
  /** What made the layer, for the image history (`created_by`). */
  createdBy: string;
}

export interface ImageConfig {
  entrypoint: readonly string[];
  user: string;
  workingDir: string;
  env: readonly string[];
  labels: Readonly<Record<string, string>>;
}

export function initLayout(layout: string): void {
  must("umoci", ["init", `--layout=${layout}`]);
}

/**
 * Builds the image `tag` in `layout`: `layers` (bottom first) on top of the image `from` (a tag in the same
 * layout, or a new empty image), then `config` when given. Starting from a tag reuses its compressed layers as
 * they are: the shared base and Node layers are compressed once, not once per app.
 */
export function buildImage(
  layout: string,
  tag: string,
  from: string | undefined,
  layers: readonly LayerSpec[],
  config?: ImageConfig,
): void {
  const image = `${layout}:${tag}`;
  if (from === undefined) must("umoci", ["new", `--image=${image}`]);
  else must("umoci", ["tag", `--image=${layout}:${from}`, tag]);
  for (const layer of layers)
    must("umoci", [
      "raw",
      "add-layer",
      `--image=${image}`,
      `--history.created=${EPOCH_ISO}`,
      `--history.created_by=${layer.createdBy}`,
      "--history.author=kruise-ts",
      layer.tar,
    ]);
  if (config === undefined) return;
  must("umoci", [
    "config",
    `--image=${image}`,
    "--no-history",
    `--created=${EPOCH_ISO}`,
    "--author=kruise-ts",
    "--os=linux",
    "--architecture=amd64",
    "--clear=config.entrypoint",
    "--clear=config.cmd",
    ...config.entrypoint.map((arg) => `--config.entrypoint=${arg}`),
    `--config.user=${config.user}`,
    `--config.workingdir=${config.workingDir}`,
    ...config.env.map((env) => `--config.env=${env}`),
    ...Object.entries(config.labels).map(([k, v]) => `--config.label=${k}=${v}`),
  ]);
}

interface Descriptor {
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const blob = (layout: string, digest: string): string => join(layout, "blobs", ...digest.split(":"));

export interface BuiltImage {
  tag: string;
  digest: string;
  /** Compressed layer sizes, bottom first. */
  layerSizes: number[];
  layerDigests: string[];
  entrypoint: string[];
  user: string;
}

/** The manifest digest and layer sizes of `tag`. */
export function describeImage(layout: string, tag: string): BuiltImage {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!entry) throw new Error(`no image tagged ${tag} in ${layout}`);
  const manifest = JSON.parse(readFileSync(blob(layout, entry.digest), "utf8")) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const config = JSON.parse(readFileSync(blob(layout, manifest.config.digest), "utf8")) as {
    config: { Entrypoint?: string[]; User?: string };
  };
  return {
    entrypoint: config.config.Entrypoint ?? [],
    user: config.config.User ?? "",
    tag,
    digest: entry.digest,
    layerSizes: manifest.layers.map((l) => l.size),
    layerDigests: manifest.layers.map((l) => l.digest),
  };
}
