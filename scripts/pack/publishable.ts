// The workspace packages published to npm, in dependency order (a package's dependencies come before it).
export const PUBLISHABLE_PACKAGES: readonly string[] = ["@kruise/api", "@kruise/sdk", "@kruise/workload"];
