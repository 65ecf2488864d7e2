import type { Blob, OciImage } from "./oci-image.js";

export type Fetch = typeof fetch;

/** Repository and tag of an image name as the local registry stores it, e.g. library/busybox:1. */
export interface ImageRef {
  repository: string;
  tag: string;
}

const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Where containerd looks for an image through a mirror: `docker.io/x` is `library/x`,
 * `docker.io/a/b` and `registry.k8s.io/pause` keep their path. The registry host is dropped,
 * so one local registry mirrors every upstream name.
 */
export function parseImageRef(image: string): ImageRef {
  const at = image.lastIndexOf(":");
  const slash = image.lastIndexOf("/");
  const hasTag = at > slash;
  const name = hasTag ? image.slice(0, at) : image;
  const tag = hasTag ? image.slice(at + 1) : "latest";
  const parts = name.split("/");
  const hasHost =
    parts.length > 1 &&
    (parts[0]!.includes(".") || parts[0]!.includes(":") || parts[0] === "localhost");
  const path = hasHost ? parts.slice(1) : parts;
  const host = hasHost ? parts[0] : "docker.io";
  const repository = (host === "docker.io" && path.length === 1 ? ["library", ...path] : path).join(
    "/",
  );
  if (!REPOSITORY.test(repository) || repository.length > 255 || !TAG.test(tag)) {
    throw new Error(`not an image name: "${image}"`);
  }
  return { repository, tag };
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (!ok.includes(res.status)) {
    throw new Error(`${what} -> HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
  }
}

async function pushBlob(registryUrl: string, repository: string, b: Blob, fetchFn: Fetch) {
  const base = `${registryUrl}/v2/${repository}/blobs`;
  const head = await fetchFn(`${base}/${b.digest}`, { method: "HEAD" });
  if (head.status === 200) return;
  const start = await fetchFn(`${base}/uploads/`, { method: "POST" });
  await expectStatus(start, [202], `POST ${base}/uploads/`);
  const location = start.headers.get("location");
  if (!location) throw new Error(`POST ${base}/uploads/ gave no Location`);
  const upload = new URL(location, registryUrl);
  upload.searchParams.set("digest", b.digest);
  const put = await fetchFn(upload, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", "content-length": String(b.size) },
    body: new Uint8Array(b.bytes),
  });
  await expectStatus(put, [201], `PUT blob ${b.digest}`);
}

/**
 * Pushes an image with the registry HTTP API (distribution spec): each blob unless the
 * registry has it, then the manifest under the tag. Returns the manifest digest.
 */
export async function pushImage(
  registryUrl: string,
  image: string,
  oci: OciImage,
  fetchFn: Fetch = fetch,
): Promise<string> {
  const { repository, tag } = parseImageRef(image);
  for (const b of [...oci.layers, oci.config]) await pushBlob(registryUrl, repository, b, fetchFn);
  const url = `${registryUrl}/v2/${repository}/manifests/${tag}`;
  const res = await fetchFn(url, {
    method: "PUT",
    headers: { "content-type": oci.manifest.mediaType },
    body: new Uint8Array(oci.manifest.bytes),
  });
  await expectStatus(res, [201], `PUT ${url}`);
  return oci.manifest.digest;
}
