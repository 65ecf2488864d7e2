import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry } from "@slipway/builder";
import type { Cluster, EnsuredImage } from "@slipway/testbed";

/**
 * Slipway's images built (or taken from the content cache) into a registry of their own before
 * the real-node lock is taken: the lock is then held for the install only, and the node's
 * registry gets the images from the cache (a second `imagesFor` call once the node is up).
 */
export async function prebuildSlipwayImages(
  imagesFor: (registryHost: string) => Promise<EnsuredImage[]>,
): Promise<EnsuredImage[]> {
  const scratch = await mkdtemp(join(tmpdir(), "slipway-install-images-"));
  const buildRegistry = await startRegistry(scratch);
  try {
    return await imagesFor(buildRegistry.host);
  } finally {
    await buildRegistry.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface ReleaseSecret {
  namespace: string;
  secret: string;
  rootKey: string;
  /** DATABASE_URL and REDIS_URL as pods reach them; absent with the bundled stores. */
  stores?: { databaseUrl: string; redisUrl: string };
}

/**
 * The README's step 2: the release's namespace and the one Secret with the connection values,
 * a fresh encryption key, the first root key and Sentinel's token.
 */
export async function createReleaseSecret(
  client: Cluster["client"],
  { namespace, secret, rootKey, stores }: ReleaseSecret,
): Promise<void> {
  await client.apply(`/api/v1/namespaces/${namespace}`, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  });
  await client.apply(`/api/v1/namespaces/${namespace}/secrets/${secret}`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secret, namespace },
    stringData: {
      ...(stores ? { DATABASE_URL: stores.databaseUrl, REDIS_URL: stores.redisUrl } : {}),
      SLIPWAY_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
      SLIPWAY_BOOTSTRAP_ROOT_KEY: rootKey,
      SLIPWAY_SENTINEL_TOKEN: randomBytes(32).toString("hex"),
    },
  });
}
