import { gunzipSync } from "node:zlib";

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
}

export interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** Splits `host:port/repo[:tag|@digest]`. */
export function parseReference(ref: string): {
  host: string;
  repository: string;
  reference: string;
} {
  const slash = ref.indexOf("/");
  const host = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const at = rest.indexOf("@");
  if (at >= 0) return { host, repository: rest.slice(0, at), reference: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(":");
  return { host, repository: rest.slice(0, colon), reference: rest.slice(colon + 1) };
}

/** A minimal registry HTTP API client (plain HTTP, no auth), as the tests need it. */
export async function getManifest(
  ref: string,
): Promise<{ status: number; digest: string | null; manifest?: Manifest }> {
  const { host, repository, reference } = parseReference(ref);
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT },
  });
  if (!response.ok) return { status: response.status, digest: null };
  return {
    status: response.status,
    digest: response.headers.get("docker-content-digest"),
    manifest: (await response.json()) as Manifest,
  };
}

export async function getBlob(host: string, repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`http://${host}/v2/${repository}/blobs/${digest}`);
  if (!response.ok) throw new Error(`blob ${digest}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The image's config JSON and every layer as an uncompressed tar, following an index to its first image. */
export async function downloadImage(ref: string): Promise<{ config: string; layers: Buffer[] }> {
  const { host, repository } = parseReference(ref);
  let { manifest } = await getManifest(ref);
  const first =
    manifest?.manifests?.find((m) => m.platform?.os !== "unknown") ?? manifest?.manifests?.[0];
  if (first) manifest = (await getManifest(`${host}/${repository}@${first.digest}`)).manifest;
  if (!manifest?.config || !manifest.layers) throw new Error(`${ref} is not an image manifest`);
  const config = (await getBlob(host, repository, manifest.config.digest)).toString("utf8");
  const layers = await Promise.all(
    manifest.layers.map(async (layer) => {
      const blob = await getBlob(host, repository, layer.digest);
      return layer.mediaType.endsWith("gzip") ? gunzipSync(blob) : blob;
    }),
  );
  return { config, layers };
}

/** Every blob behind a manifest (cache manifests included), uncompressed when gzip. */
export async function downloadAllBlobs(ref: string): Promise<Buffer[]> {
  const { host, repository } = parseReference(ref);
  const { manifest } = await getManifest(ref);
  if (!manifest) return [];
  const descriptors = [
    ...(manifest.manifests ?? []),
    ...(manifest.layers ?? []),
    ...(manifest.config ? [manifest.config] : []),
  ];
  return Promise.all(
    descriptors.map(async (descriptor) => {
      const blob = await getBlob(host, repository, descriptor.digest);
      return descriptor.mediaType.includes("gzip") ? gunzipSync(blob) : blob;
    }),
  );
}

/**
 * Copies an image (one manifest, no index) to another repository and tag of the same registry,
 * mounting its blobs rather than uploading them again.
 */
export async function copyImage(from: string, toRepository: string, toTag: string): Promise<void> {
  const { host, repository, reference } = parseReference(from);
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT },
  });
  const body = Buffer.from(await response.arrayBuffer());
  const mediaType = response.headers.get("content-type") ?? "";
  const manifest = JSON.parse(body.toString("utf8")) as Manifest;
  if (!manifest?.config || !manifest.layers) throw new Error(`${from} is not an image manifest`);
  for (const blob of [manifest.config, ...manifest.layers]) {
    const mounted = await fetch(
      `http://${host}/v2/${toRepository}/blobs/uploads/?mount=${blob.digest}&from=${repository}`,
      { method: "POST" },
    );
    if (mounted.status !== 201) throw new Error(`mount ${blob.digest}: HTTP ${mounted.status}`);
  }
  const put = await fetch(`http://${host}/v2/${toRepository}/manifests/${toTag}`, {
    method: "PUT",
    headers: { "content-type": mediaType },
    body,
  });
  if (put.status !== 201) throw new Error(`PUT ${toRepository}:${toTag}: HTTP ${put.status}`);
}
