import { buildBaseImage, readBuilderSettings, startLocalBuildStack } from "@slipway/builder";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    buildkitAddr: string;
    buildctl: string;
    registryHost: string;
    baseImage: string;
  }
}

/**
 * Vitest global setup of the build tests: a real buildkitd and registry (the builder's own local
 * stack, BuildKit built from Go once and cached) and a busybox base image pushed to it, since
 * nothing can be pulled from the internet.
 */
export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[build stack] ${line}`);
  const stack = await startLocalBuildStack(readBuilderSettings(process.env), log);
  try {
    const baseImage = await buildBaseImage(stack);
    project.provide("buildkitAddr", stack.buildkit.addr);
    project.provide("buildctl", stack.binaries.buildctl);
    project.provide("registryHost", stack.registry.host);
    project.provide("baseImage", baseImage);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return () => stack.stop();
}
