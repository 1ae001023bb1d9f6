import { describe, expect, it } from "vitest";
import { exportTargets, publishedManifest } from "../pack/published-manifest.ts";

describe("publishedManifest", () => {
  const repository = {
    name: "@kruise/x",
    exports: {
      ".": { "@kruise/source": "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./vitest": { "@kruise/source": "./src/v.ts", default: "./dist/v.js" },
    },
    scripts: { prepack: "node ../../scripts/pack/prepack.ts" },
    dependencies: { pino: "^10" },
    devDependencies: { "@kruise/testenv": "0.1.0" },
  };

  it("drops the source condition at every level, the scripts and the dev dependencies", () => {
    expect(publishedManifest(repository)).toEqual({
      name: "@kruise/x",
      exports: {
        ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
        "./vitest": { default: "./dist/v.js" },
      },
      dependencies: { pino: "^10" },
    });
  });

  it("lists every file the exports point at", () => {
    expect(exportTargets(publishedManifest(repository).exports ?? null)).toEqual([
      "./dist/index.d.ts",
      "./dist/index.js",
      "./dist/v.js",
    ]);
  });
});
