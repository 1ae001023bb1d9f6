// What `npm run images` built, in .kruise/images/images.json: read by the chart demo, its test and the bench.
import type { BuiltImage } from "./oci-layout.ts";

/** An app's image name: the charts' `image.repository` is `<registry>/<app>-controller`. */
export const imageName = (app: string): string => `${app}-controller`;

export interface ImagesReport {
  /** The OCI image layout, relative to the repository root. */
  layout: string;
  node: string;
  images: (BuiltImage & { app: string; version: string; packages: number })[];
}
