/**
 * The `node:20-slim` and `node:20` base images Slipway's Dockerfiles start from, made on this
 * machine: Debian bookworm (debootstrap, minbase) from Debian's package mirror as one layer,
 * this machine's Node 20 and npm under /usr/local as a second, and a `node` user (uid 1000).
 * There is no Docker Hub here; the local registry serves them under their Docker Hub names.
 * Built once per set of inputs and kept under ~/.cache/slipway/node-images.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chroot, DEBIAN_SUITE, debootstrap, trimRootfs } from "./debian-rootfs.js";
import { type Blob, makeOciImageFromTars, type OciImage } from "./oci-image.js";
import { tarDirectory } from "./rootfs-tar.js";
/** The host's Node (nodesource's build of Node 20) and the npm it ships. */
export const HOST_NODE = "/usr/bin/node";
export const HOST_NPM_DIR = "/usr/lib/node_modules/npm";
/** Bump when the recipe below changes, so cached images are rebuilt. */
const RECIPE_VERSION = 1;

export interface NodeBaseRecipe {
  /** The Docker Hub name Dockerfiles use, e.g. docker.io/library/node:20-slim. */
  image: string;
  /** Debian packages beyond minbase. */
  packages: string[];
  /** Drop documentation, man pages and locales, as Debian's slim images do. */
  slim: boolean;
}

export const NODE_SLIM: NodeBaseRecipe = {
  image: "docker.io/library/node:20-slim",
  packages: ["ca-certificates"],
  slim: true,
};

/**
 * The peer: an approximation of Docker Hub's `node:20` (buildpack-deps:bookworm + Node): the
 * slim recipe plus compilers, make, python3, git, curl, wget and procps, docs kept.
 */
export const NODE_FULL: NodeBaseRecipe = {
  image: "docker.io/library/node:20",
  packages: ["ca-certificates", "build-essential", "python3", "git", "curl", "wget", "procps"],
  slim: false,
};

export interface BaseImageOptions {
  cacheDir: string;
  log: (line: string) => void;
}

/** The image from the cache, or built (a minute or more) and cached. */
export async function loadOrBuildNodeBase(
  recipe: NodeBaseRecipe,
  options: BaseImageOptions,
): Promise<OciImage> {
  const dir = join(options.cacheDir, "node-images", await cacheKey(recipe));
  if (existsSync(join(dir, "complete"))) return loadImage(dir);
  options.log(`building ${recipe.image} from Debian ${DEBIAN_SUITE} (cached in ${dir})`);
  const image = await buildNodeBase(recipe);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await saveImage(dir, image);
  return image;
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function cacheKey(recipe: NodeBaseRecipe): Promise<string> {
  const npm = JSON.parse(await readFile(join(HOST_NPM_DIR, "package.json"), "utf8")) as {
    version: string;
  };
  const inputs = {
    RECIPE_VERSION,
    recipe,
    suite: DEBIAN_SUITE,
    node: await fileDigest(HOST_NODE),
    npm: npm.version,
  };
  const digest = createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
  const name = recipe.image.replace(/^.*\//, "").replace(/[^a-z0-9.-]/gi, "-");
  return `${name}-${digest.slice(0, 16)}`;
}

async function buildNodeBase(recipe: NodeBaseRecipe): Promise<OciImage> {
  const work = await mkdtemp(join(tmpdir(), "slipway-node-base-"));
  const rootfs = join(work, "rootfs");
  const nodeLayer = join(work, "node-layer");
  try {
    await debootstrap(rootfs, recipe.packages);
    await chroot(rootfs, ["groupadd", "--gid", "1000", "node"]);
    await chroot(rootfs, [
      "useradd",
      ...["--uid", "1000", "--gid", "node", "--shell", "/bin/bash", "--create-home", "node"],
    ]);
    await trimRootfs(rootfs, recipe.slim);
    const debianTar = await tarDirectory(rootfs, join(work, "debian.tar"));
    await stageNode(nodeLayer);
    const nodeTar = await tarDirectory(nodeLayer, join(work, "node.tar"));
    // The layers must work together: Node and npm run inside the assembled root.
    await cp(nodeLayer, rootfs, { recursive: true, verbatimSymlinks: true });
    const { stdout } = await chroot(rootfs, ["/usr/local/bin/npm", "--version"]);
    if (!/^\d+\.\d+\.\d+/.test(stdout.trim())) throw new Error(`npm in the image says "${stdout}"`);
    return makeOciImageFromTars([debianTar, nodeTar], {
      env: [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        `NODE_VERSION=${process.versions.node}`,
      ],
      cmd: ["node"],
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** /usr/local/bin/node, npm and npx, laid out as Node's official images have them. */
async function stageNode(dir: string): Promise<void> {
  await mkdir(join(dir, "usr/local/bin"), { recursive: true });
  await mkdir(join(dir, "usr/local/lib/node_modules"), { recursive: true });
  await cp(HOST_NODE, join(dir, "usr/local/bin/node"));
  await cp(HOST_NPM_DIR, join(dir, "usr/local/lib/node_modules/npm"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(dir, "usr/local/bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(dir, "usr/local/bin/npx"));
}

interface SavedImage {
  layers: string[];
  config: string;
  manifest: string;
}

async function saveImage(dir: string, image: OciImage): Promise<void> {
  const file = (b: Blob) => b.digest.replace("sha256:", "");
  for (const b of [...image.layers, image.config, image.manifest]) {
    await writeFile(join(dir, file(b)), b.bytes);
  }
  const index: SavedImage = {
    layers: image.layers.map(file),
    config: file(image.config),
    manifest: file(image.manifest),
  };
  await writeFile(join(dir, "image.json"), JSON.stringify(index));
  await writeFile(join(dir, "complete"), "");
}

async function loadImage(dir: string): Promise<OciImage> {
  const index = JSON.parse(await readFile(join(dir, "image.json"), "utf8")) as SavedImage;
  const load = async (name: string, mediaType: string): Promise<Blob> => {
    const bytes = await readFile(join(dir, name));
    return { mediaType, digest: `sha256:${name}`, size: bytes.length, bytes };
  };
  const manifest = JSON.parse(await readFile(join(dir, index.manifest), "utf8")) as {
    config: { mediaType: string };
    layers: { mediaType: string }[];
  };
  return {
    layers: await Promise.all(
      index.layers.map((name, i) => load(name, manifest.layers[i]?.mediaType ?? "")),
    ),
    config: await load(index.config, manifest.config.mediaType),
    manifest: await load(index.manifest, "application/vnd.oci.image.manifest.v1+json"),
  };
}
