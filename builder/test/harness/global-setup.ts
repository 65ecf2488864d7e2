/**
 * Vitest global setup: one real buildkitd (runc worker) and one real registry (Debian's
 * docker-registry) per test run, plus a busybox base image built by that buildkitd from
 * Debian's static busybox, since nothing can be pulled from the internet.
 * The first run on a machine builds BuildKit from Go modules (minutes); later runs start in seconds.
 */

import { buildBaseImage } from "../../src/base-image.js";
import { readBuilderSettings } from "../../src/config.js";
import { startLocalBuildStack } from "../../src/local-stack.js";

interface ProvideTarget {
  provide?: (key: string, value: unknown) => void;
}

export default async function setup(project?: ProvideTarget): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[builder] ${line}`);
  const started = Date.now();
  const stack = await startLocalBuildStack(readBuilderSettings(process.env), log);
  const stop = async () => {
    await stack.stop();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const baseImage = await buildBaseImage(stack);
    const values = {
      SLIPWAY_TEST_BUILDKIT_ADDR: stack.buildkit.addr,
      SLIPWAY_TEST_BUILDCTL: stack.binaries.buildctl,
      SLIPWAY_TEST_REGISTRY: stack.registry.host,
      SLIPWAY_TEST_BASE_IMAGE: baseImage,
      SLIPWAY_TEST_SNAPSHOTTER: stack.buildkit.snapshotter,
    };
    for (const [key, value] of Object.entries(values)) {
      process.env[key] = value;
      project?.provide?.(key, value);
    }
    log(
      `buildkitd (${stack.buildkit.snapshotter}) at ${stack.buildkit.addr} and registry at ${stack.registry.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (buildkitd itself ${stack.buildkit.startSeconds.toFixed(1)} s); base image ${baseImage}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stop();
    log("buildkitd and registry stopped");
  };
}
