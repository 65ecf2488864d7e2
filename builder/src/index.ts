export { buildBaseImage } from "./base-image.js";
export { makeBuilderDeps } from "./builder-deps.js";
export { type BuildkitdConfig, makeBuildkitdToml } from "./buildkit/daemon-config.js";
export {
  type BuildkitBinaries,
  ensureBuildkit,
  readBuildkitBuild,
} from "./buildkit/ensure-buildkit.js";
export { type LocalBuildkit, startBuildkitd } from "./buildkit/start-buildkitd.js";
export { BUILDKIT_VERSION, type BuilderSettings, readBuilderSettings } from "./config.js";
export { resolveDockerfile, safeRelativePath } from "./dockerfile/resolve-dockerfile.js";
export * from "./errors.js";
export { buildEvents } from "./image-build/build-events.js";
export { makeBuildctlArgs } from "./image-build/buildctl-args.js";
export { classifyFailure } from "./image-build/classify-failure.js";
export { ProgressTracker } from "./image-build/progress.js";
export { type BuilderDeps, type BuildOptions, runBuild } from "./image-build/run-build.js";
export { makeSecretPlan } from "./image-build/secrets.js";
export { makeImageTarget } from "./image-target.js";
export { type LocalBuildStack, startLocalBuildStack } from "./local-stack.js";
export { type LocalRegistry, startRegistry } from "./registry/start-registry.js";
