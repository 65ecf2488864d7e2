/**
 * The Debian-based PostgreSQL and Redis images of the chart's bundled stores (FOR TRIALS ONLY,
 * charts/slipway/templates/bundled.yaml), made on this machine as the node base is: Debian
 * bookworm by debootstrap from Debian's mirror, the store's packages installed with apt inside
 * it, its user at the uid the chart runs it as (999), one layer. Kept by what they are made of
 * under ~/.cache/slipway/store-images, so a second run pushes them in seconds.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { chroot, DEBIAN_SUITE, debootstrap, trimRootfs } from "./debian-rootfs.js";
import { type ImageConfigSpec, makeOciImageFromTars, type OciImage } from "./oci-image.js";
import { tarDirectory } from "./rootfs-tar.js";
import { loadCachedImage, saveCachedImage } from "./slipway-image-cache.js";

const run = promisify(execFile);

/** Bump when the recipe's code below changes, so cached images are rebuilt. */
const RECIPE_VERSION = 1;

export interface StoreImageRecipe {
  /** The chart's default repository name, e.g. slipway-postgresql. */
  name: string;
  /** Debian packages installed with apt (no recommends). */
  packages: string[];
  /** The system user the packages run the store as, created first at the chart's runAsUser. */
  user: { name: string; uid: number; home: string };
  /** Files written before the packages are installed (e.g. apt or package settings). */
  preInstallFiles?: Record<string, string>;
  /** The image's own scripts, read from scripts/store-images/<file> into /usr/local/bin/<file>. */
  scripts?: string[];
  /** A command that must succeed inside the finished root (the packages work). */
  check: string[];
  config: ImageConfigSpec;
}

const PG_MAJOR = 15;
const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;

export const BUNDLED_POSTGRESQL: StoreImageRecipe = {
  name: "slipway-postgresql",
  packages: [`postgresql-${PG_MAJOR}`],
  user: { name: "postgres", uid: 999, home: "/var/lib/postgresql" },
  // As Docker Hub's postgres image does: no "main" cluster made at install time (the
  // entrypoint makes one on the volume).
  preInstallFiles: {
    "etc/postgresql-common/createcluster.d/slipway.conf": "create_main_cluster = false\n",
  },
  scripts: ["slipway-postgresql"],
  check: [`${PG_BIN}/postgres`, "--version"],
  config: {
    user: "999:999",
    entrypoint: ["/usr/local/bin/slipway-postgresql"],
    env: [
      `PATH=${PG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      "LANG=C.UTF-8",
      "PGDATA=/var/lib/postgresql/data/pgdata",
    ],
    workingDir: "/var/lib/postgresql",
    exposedPorts: ["5432/tcp"],
  },
};

export const BUNDLED_REDIS: StoreImageRecipe = {
  name: "slipway-redis",
  packages: ["redis-server"],
  user: { name: "redis", uid: 999, home: "/var/lib/redis" },
  check: ["redis-server", "--version"],
  config: {
    user: "999:999",
    // No config file: the chart passes --dir, --appendonly and --requirepass as arguments.
    entrypoint: ["redis-server"],
    workingDir: "/data",
    exposedPorts: ["6379/tcp"],
  },
};

export const STORE_IMAGES = [BUNDLED_POSTGRESQL, BUNDLED_REDIS];

export interface StoreImageOptions {
  repoRoot: string;
  cacheDir: string;
  log: (line: string) => void;
}

export interface StoreImage {
  recipe: StoreImageRecipe;
  /** The content key, also the tag the image is pushed under. */
  tag: string;
  oci: OciImage;
  cached: boolean;
  seconds: number;
}

/** The image from the cache, or built (minutes: debootstrap and apt) and cached. */
export async function loadOrBuildStoreImage(
  recipe: StoreImageRecipe,
  options: StoreImageOptions,
): Promise<StoreImage> {
  const started = Date.now();
  const scripts = await readScripts(options.repoRoot, recipe);
  const tag = storeImageKey(recipe, scripts);
  const dir = join(options.cacheDir, "store-images", `${recipe.name}-${tag}`);
  const cachedImage = await loadCachedImage(dir);
  if (cachedImage) {
    return { recipe, tag, oci: cachedImage, cached: true, seconds: (Date.now() - started) / 1000 };
  }
  options.log(`building ${recipe.name} from Debian ${DEBIAN_SUITE} (cached in ${dir})`);
  const oci = await buildStoreImage(recipe, scripts);
  await saveCachedImage(dir, oci);
  return { recipe, tag, oci, cached: false, seconds: (Date.now() - started) / 1000 };
}

async function readScripts(repoRoot: string, recipe: StoreImageRecipe) {
  const scripts: Record<string, string> = {};
  for (const file of recipe.scripts ?? []) {
    scripts[file] = await readFile(join(repoRoot, "scripts/store-images", file), "utf8");
  }
  return scripts;
}

/** Pure: the key of a recipe and the scripts it copies. */
export function storeImageKey(recipe: StoreImageRecipe, scripts: Record<string, string>): string {
  const inputs = { RECIPE_VERSION, suite: DEBIAN_SUITE, recipe, scripts };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

async function buildStoreImage(
  recipe: StoreImageRecipe,
  scripts: Record<string, string>,
): Promise<OciImage> {
  const work = await mkdtemp(join(tmpdir(), "slipway-store-image-"));
  const rootfs = join(work, "rootfs");
  try {
    await debootstrap(rootfs, []);
    const { name, uid, home } = recipe.user;
    await chroot(rootfs, ["groupadd", "--system", "--gid", String(uid), name]);
    await chroot(rootfs, [
      "useradd",
      ...["--system", "--uid", String(uid), "--gid", String(uid), "--home-dir", home, name],
    ]);
    for (const [path, content] of Object.entries(recipe.preInstallFiles ?? {})) {
      await mkdir(dirname(join(rootfs, path)), { recursive: true });
      await writeFile(join(rootfs, path), content);
    }
    await aptInstall(rootfs, recipe.packages);
    for (const [file, content] of Object.entries(scripts)) {
      await mkdir(join(rootfs, "usr/local/bin"), { recursive: true });
      await writeFile(join(rootfs, "usr/local/bin", file), content, { mode: 0o755 });
    }
    await chroot(rootfs, recipe.check);
    await trimRootfs(rootfs, true);
    const tar = await tarDirectory(rootfs, join(work, "rootfs.tar"));
    return makeOciImageFromTars([tar], recipe.config);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * apt-get inside the root, with /proc mounted for the packages' scripts and services kept from
 * starting (policy-rc.d), both undone afterwards.
 */
async function aptInstall(rootfs: string, packages: string[]): Promise<void> {
  const policy = join(rootfs, "usr/sbin/policy-rc.d");
  await writeFile(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  await run("mount", ["-t", "proc", "proc", join(rootfs, "proc")]);
  try {
    const env = "DEBIAN_FRONTEND=noninteractive";
    await chroot(rootfs, ["env", env, "apt-get", "update", "-q"]);
    await chroot(rootfs, [
      ...["env", env, "apt-get", "install", "-y", "-q", "--no-install-recommends"],
      ...packages,
    ]);
  } finally {
    await run("umount", [join(rootfs, "proc")]);
    await rm(policy, { force: true });
  }
}
