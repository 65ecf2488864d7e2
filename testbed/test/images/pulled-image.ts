/**
 * An image pulled from a plain-HTTP registry onto disk: its config, its layers' entry names
 * (GNU tar lists them) and a root filesystem unpacked from them, for tests that inspect or run it.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fetchManifest, type ImageManifest } from "../../src/images/slipway-images.js";

const run = promisify(execFile);

export interface ImageConfig {
  config: {
    User?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    Healthcheck?: unknown;
    Labels?: Record<string, string>;
  };
}

export interface PulledImage {
  manifest: ImageManifest;
  config: ImageConfig;
  /** Layer files (tar+gzip), in order. */
  layerFiles: string[];
}

export async function pullImage(
  registryUrl: string,
  repository: string,
  reference: string,
  dir: string,
): Promise<PulledImage> {
  const manifest = await fetchManifest(registryUrl, repository, reference);
  const blob = async (digest: string) => {
    const res = await fetch(`${registryUrl}/v2/${repository}/blobs/${digest}`);
    if (!res.ok) throw new Error(`blob ${digest}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const config = JSON.parse((await blob(manifest.config.digest)).toString()) as ImageConfig;
  await mkdir(dir, { recursive: true });
  const layerFiles: string[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const file = join(dir, `layer-${i}.tar.gz`);
    await writeFile(file, await blob(layer.digest));
    layerFiles.push(file);
  }
  return { manifest, config, layerFiles };
}

/** Every entry name of every layer, without a leading `./`. */
export async function listEntries(image: PulledImage): Promise<string[]> {
  const names: string[] = [];
  for (const file of image.layerFiles) {
    const { stdout } = await run("tar", ["-tzf", file], { maxBuffer: 256 * 1024 * 1024 });
    names.push(
      ...stdout
        .split("\n")
        .filter(Boolean)
        .map((n) => n.replace(/^\.\//, "")),
    );
  }
  return names;
}

/** Unpacks the layers in order (the image has no whiteouts: the test checks that first). */
export async function unpackRootfs(image: PulledImage, rootfs: string): Promise<void> {
  await mkdir(rootfs, { recursive: true });
  for (const file of image.layerFiles) {
    await run("tar", ["-xzf", file, "-C", rootfs, "--numeric-owner", "--same-permissions"]);
  }
}
