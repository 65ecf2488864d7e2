import { readBuilderSettings } from "@slipway/builder";
import {
  loadOrBuildNodeBase,
  NODE_SLIM,
  type NodeBaseRecipe,
  parseImageRef,
  pushImage,
} from "@slipway/testbed";

/** The bases ordinary Dockerfiles start FROM that the platform's registry serves as a mirror. */
export const LOCAL_BASE_IMAGES: readonly NodeBaseRecipe[] = [NODE_SLIM];

const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

/** Does the registry hold `image` under the path its mirror role resolves it to? */
export async function registryHasImage(registryHost: string, image: string): Promise<boolean> {
  const { repository, tag } = parseImageRef(image);
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_TYPES },
  });
  return response.status === 200;
}

/**
 * Nothing can be pulled from Docker Hub here, and buildkitd and the real node's containerd read
 * `docker.io/...` from the platform's registry as a mirror: so `node:20-slim` must be in that
 * registry under `library/node:20-slim` for `slipway deploy examples/hello` (or any ordinary
 * `FROM node:20-slim`) to build. Pushed when absent, from the base built on this machine once
 * (debootstrap + this machine's Node, testbed/src/images/node-base-image.ts) and cached in
 * ~/.cache/slipway/node-images. A restart finds it in the registry and does nothing.
 */
export async function ensureLocalBaseImages(
  registryHost: string,
  log: (line: string) => void,
): Promise<string[]> {
  const pushed: string[] = [];
  const { cacheDir } = readBuilderSettings(process.env);
  for (const recipe of LOCAL_BASE_IMAGES) {
    if (await registryHasImage(registryHost, recipe.image)) continue;
    const started = Date.now();
    log(
      `putting ${recipe.image} into the registry at ${registryHost} (the first time it is ` +
        `built from Debian, a few minutes, and cached in ${cacheDir}/node-images)`,
    );
    const image = await loadOrBuildNodeBase(recipe, { cacheDir, log });
    await pushImage(`http://${registryHost}`, recipe.image, image);
    log(`${recipe.image} pushed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    pushed.push(recipe.image);
  }
  return pushed;
}
