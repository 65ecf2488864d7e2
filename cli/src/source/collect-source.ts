import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, readlink, realpath } from "node:fs/promises";
import { join, posix } from "node:path";
import { CliError, exitCodes } from "../cli-error.js";
import { formatBytes } from "../output/units.js";
import {
  dockerignoreRuleSet,
  gitignoreRuleSet,
  type IgnoreRules,
  isIgnored,
} from "./ignore-rules.js";

export type SourceEntry =
  | { kind: "directory"; path: string; mode: number }
  | { kind: "file"; path: string; mode: number; size: number }
  | { kind: "symlink"; path: string; target: string };

/** What a tree may hold; the builder refuses more (see builder/README.md). */
export interface SourceLimits {
  maxEntries: number;
  /** Sum of the files' sizes, before compression. */
  maxFileBytes: number;
  /** Bytes of one entry's path. */
  maxPathBytes: number;
}

export const defaultSourceLimits: SourceLimits = {
  maxEntries: 100_000,
  maxFileBytes: 1024 ** 3,
  maxPathBytes: 1024,
};

export interface CollectedSource {
  entries: SourceEntry[];
  fileBytes: number;
  /** Sockets, FIFOs and devices: never part of a build context. */
  skippedSpecial: string[];
}

const refuse = (message: string) => new CliError(exitCodes.usage, message);

/**
 * Pure: a symbolic link's target if it stays inside the tree, else a reason to refuse it. The
 * target is kept as written (relative), so the link means the same inside the build.
 */
export function checkSymlinkTarget(linkPath: string, target: string): string | undefined {
  if (posix.isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target)) {
    return `${linkPath} is a symbolic link to the absolute path ${target}, which is not in the directory being deployed`;
  }
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  if (resolved === ".." || resolved.startsWith("../")) {
    return `${linkPath} is a symbolic link to ${target}, outside the directory being deployed`;
  }
  return undefined;
}

async function readRules(absolute: string): Promise<string | undefined> {
  try {
    return await readFile(absolute, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The entries of the tree at `root` that a deploy uploads, in a stable order: everything but
 * what `.gitignore` files (at any depth) and the root's `.dockerignore` leave out, and `.git`.
 * Links are kept as links, never followed; one that leads out of the tree stops the deploy.
 */
export async function collectSource(
  root: string,
  limits: SourceLimits = defaultSourceLimits,
): Promise<CollectedSource> {
  // The directory named may itself be a link (`slipway deploy ./current`); what is inside it
  // is then judged against where it really is.
  const realRoot = await realpath(root).catch(() => undefined);
  if (!realRoot || !(await lstat(realRoot)).isDirectory()) {
    throw refuse(`${root} is not a directory.`);
  }
  const rootGitignore = await readRules(join(root, ".gitignore"));
  const dockerignore = await readRules(join(root, ".dockerignore"));
  const rootRules: IgnoreRules = [
    ...(rootGitignore !== undefined ? [gitignoreRuleSet("", rootGitignore)] : []),
    ...(dockerignore !== undefined ? [dockerignoreRuleSet(dockerignore)] : []),
  ];
  const collected: CollectedSource = { entries: [], fileBytes: 0, skippedSpecial: [] };
  await walk(realRoot, "", rootRules, collected, limits);
  return collected;
}

async function walk(
  root: string,
  folder: string,
  rules: IgnoreRules,
  collected: CollectedSource,
  limits: SourceLimits,
): Promise<void> {
  const absoluteFolder = join(root, folder);
  let folderRules = rules;
  if (folder) {
    const nested = await readRules(join(absoluteFolder, ".gitignore"));
    if (nested !== undefined) folderRules = [...rules, gitignoreRuleSet(folder, nested)];
  }
  const children: Dirent[] = await readdir(absoluteFolder, { withFileTypes: true });
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    const path = folder ? `${folder}/${child.name}` : child.name;
    const isFolder = child.isDirectory();
    if (isIgnored(folderRules, isFolder ? `${path}/` : path)) continue;
    if (Buffer.byteLength(path) > limits.maxPathBytes) {
      throw refuse(`${path} has a path longer than ${limits.maxPathBytes} bytes.`);
    }
    if (collected.entries.length >= limits.maxEntries) {
      throw refuse(
        `The directory has more than ${limits.maxEntries} files and folders to upload; leave out what the build does not need with .dockerignore.`,
      );
    }
    const absolute = join(root, path);
    if (child.isSymbolicLink()) {
      const target = await readlink(absolute);
      const problem = checkSymlinkTarget(path, target);
      if (problem) throw refuse(`${problem}; remove it or add it to .dockerignore.`);
      collected.entries.push({ kind: "symlink", path, target });
    } else if (isFolder) {
      collected.entries.push({ kind: "directory", path, mode: 0o755 });
      await walk(root, path, folderRules, collected, limits);
    } else if (child.isFile()) {
      const stats = await lstat(absolute);
      collected.fileBytes += stats.size;
      if (collected.fileBytes > limits.maxFileBytes) {
        throw refuse(
          `The files to upload add up to more than ${formatBytes(limits.maxFileBytes)}; leave out what the build does not need with .dockerignore.`,
        );
      }
      const mode = stats.mode & 0o100 ? 0o755 : 0o644;
      collected.entries.push({ kind: "file", path, mode, size: stats.size });
    } else {
      collected.skippedSpecial.push(path);
    }
  }
}
