export { buildBaseImage } from "./base-image.js";
export { buildEvents } from "./build/build-events.js";
export { makeBuildctlArgs } from "./build/buildctl-args.js";
export { classifyFailure } from "./build/classify-failure.js";
export { ProgressTracker } from "./build/progress.js";
export { type BuilderDeps, type BuildOptions, runBuild } from "./build/run-build.js";
export { makeSecretPlan } from "./build/secrets.js";
export { makeBuilderDeps } from "./builder-deps.js";
export { type BuildkitdConfig, makeBuildkitdToml } from "./buildkit/daemon-config.js";
export {
  type BuildkitBinaries,
  ensureBuildkit,
  readBuildkitBuild,
} from "./buildkit/ensure-buildkit.js";
export { type LocalBuildkit, startBuildkitd } from "./buildkit/start-buildkitd.js";
export {
  BUILDKIT_VERSION,
  type BuilderSettings,
  InvalidSettingError,
  readBuilderSettings,
} from "./config.js";
export { resolveDockerfile, safeRelativePath } from "./dockerfile/resolve-dockerfile.js";
export * from "./errors.js";
export { makeImageTarget } from "./image-target.js";
export { type LocalBuildStack, startLocalBuildStack } from "./local-stack.js";
export { type LocalRegistry, startRegistry } from "./registry/start-registry.js";
