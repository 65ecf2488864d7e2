import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { type BuildError, type BuildSource, isBuildError } from "@slipway/shared";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuilderDeps } from "../src/image-build/run-build.js";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { downloadImage } from "./harness/registry-client.js";

const run = promisify(execFile);
let dir = "";
const dockerfile = () => `FROM ${stack().baseImage}\nCOPY . /app\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-hostile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type PackEntry = Parameters<ReturnType<typeof pack>["entry"]>[0] & { content?: string };

/** A tarball written by tar-stream, so the test controls every header. */
async function tarball(name: string, entries: PackEntry[], gzip = true): Promise<string> {
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => packer.on("end", () => resolve()));
  for (const { content, ...header } of entries) packer.entry(header, content ?? "");
  packer.finalize();
  await done;
  const file = join(dir, name);
  await writeFile(file, gzip ? gzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks));
  return file;
}

async function attempt(source: BuildSource, overrides: Partial<BuilderDeps> = {}) {
  const workDir = await mkdtemp(join(dir, "work-"));
  const outcome = await runBuild(
    {
      deploymentId: "dep_hostile",
      source,
      rootDirectory: ".",
      env: {},
      imageRepository: uniqueRepository("hostile"),
    },
    testDeps({ workDir, ...overrides }),
  ).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as BuildError }),
  );
  // Whatever happened, nothing of the source is left behind.
  expect(await readdir(workDir)).toEqual([]);
  return outcome;
}

function expectRefused(error: BuildError | undefined, message: RegExp) {
  expect(isBuildError(error)).toBe(true);
  expect(error?.code).toBe("invalid_request");
  expect(error?.retryable).toBe(false);
  expect(error?.message).toMatch(message);
}

describe("hostile source tarballs", () => {
  it("a 2 MB gzip bomb (a 2 GiB file of zeros) is refused from its header, nothing written", async () => {
    const size = 2 * 1024 ** 3;
    const header = pack();
    const head: Buffer[] = [];
    header.on("data", (chunk: unknown) => head.push(chunk as Buffer));
    header.entry({ name: "zeros.bin", size }, () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    // gzip members concatenate: one compressed MiB of zeros, repeated, is 2 GiB unpacked.
    const mebibyte = gzipSync(Buffer.alloc(1024 ** 2), { level: 9 });
    const members = [gzipSync(Buffer.concat(head).subarray(0, 512))];
    for (let i = 0; i < size / 1024 ** 2; i += 1) members.push(mebibyte);
    members.push(gzipSync(Buffer.alloc(1024)));
    const bomb = join(dir, "bomb.tar.gz");
    await writeFile(bomb, Buffer.concat(members));
    const archiveBytes = members.reduce((sum, member) => sum + member.length, 0);
    expect(archiveBytes).toBeLessThan(3 * 1024 ** 2);

    const { error } = await attempt({ kind: "tarball", path: bomb });
    expectRefused(error, /unpacks to more than 1073741824 bytes \(at "zeros.bin"\)/);
  });

  it("many files are counted as they stream: the size limit stops the 11th MiB", async () => {
    const entries: PackEntry[] = [{ name: "Dockerfile", content: dockerfile() }];
    for (let i = 0; i < 20; i += 1) entries.push({ name: `f${i}`, content: "x".repeat(1024 ** 2) });
    const { error } = await attempt(
      { kind: "tarball", path: await tarball("many.tar.gz", entries) },
      { sourceLimits: { maxBytes: 10 * 1024 ** 2 } },
    );
    expectRefused(error, /unpacks to more than 10485760 bytes \(at "f9"\)/);
  });

  it("too many entries and too long paths are refused", async () => {
    const many: PackEntry[] = Array.from({ length: 50 }, (_, i) => ({ name: `e${i}` }));
    expectRefused(
      (
        await attempt(
          { kind: "tarball", path: await tarball("count.tar.gz", many) },
          {
            sourceLimits: { maxEntries: 40 },
          },
        )
      ).error,
      /has more than 40 entries/,
    );
    const deep = `${"d/".repeat(600)}f`;
    expectRefused(
      (await attempt({ kind: "tarball", path: await tarball("long.tar.gz", [{ name: deep }]) }))
        .error,
      /has a path longer than 1024 bytes/,
    );
  });

  it.each([
    [
      "a character device",
      { name: "dev/zero", type: "character-device", devmajor: 1, devminor: 5 },
    ],
    ["a block device", { name: "dev/sda", type: "block-device", devmajor: 8, devminor: 0 }],
    ["a FIFO", { name: "pipe", type: "fifo" }],
  ] as const)("%s in the archive is refused, and never created", async (_, special) => {
    const file = await tarball("special.tar.gz", [
      { name: "Dockerfile", content: dockerfile() },
      special as PackEntry,
    ]);
    expectRefused(
      (await attempt({ kind: "tarball", path: file })).error,
      /only files, folders and symbolic links/,
    );
  });

  it.each([
    ["an absolute link", [{ name: "Dockerfile", type: "symlink", linkname: "/dev/zero" }]],
    ["a link out with ..", [{ name: "etc", type: "symlink", linkname: "../../../etc" }]],
    [
      "a chain of links that resolves outside",
      [
        { name: "d/l", type: "symlink", linkname: ".." },
        { name: "d2", type: "symlink", linkname: "d/l/.." },
      ],
    ],
    [
      "a file written through a link",
      [
        { name: "sub", type: "directory" },
        { name: "l", type: "symlink", linkname: "sub" },
        { name: "l/x", content: "x" },
      ],
    ],
    ["an entry with ..", [{ name: "../escape", content: "x" }]],
  ] as const)("%s is refused", async (_, entries) => {
    const file = await tarball("links.tar.gz", entries as unknown as PackEntry[]);
    expectRefused(
      (await attempt({ kind: "tarball", path: file })).error,
      /outside the source tree|through the symbolic link/,
    );
  });

  it("a plain .tar builds, with in-tree symbolic and hard links", async () => {
    const file = await tarball(
      "plain.tar",
      [
        { name: "app/Dockerfile", content: dockerfile() },
        { name: "app/app.txt", content: "from a plain tar\n" },
        { name: "app/link.txt", type: "symlink", linkname: "app.txt" },
        { name: "app/hard.txt", type: "link", linkname: "app/app.txt" },
      ],
      false,
    );
    const { result, error } = await attempt({ kind: "tarball", path: file });
    expect(error).toBeUndefined();
    const image = await downloadImage(result?.imageRef ?? "");
    const layers = Buffer.concat(image.layers).toString("latin1");
    expect(layers).toContain("from a plain tar");
    expect(layers).toContain("app/hard.txt");
  });

  it("something that is not a tarball fails with a readable message, not retried", async () => {
    const file = join(dir, "junk.tar.gz");
    await writeFile(file, gzipSync(Buffer.from("not a tar archive at all".repeat(100))));
    expectRefused(
      (await attempt({ kind: "tarball", path: file })).error,
      /not a valid .tar.gz or .tar/,
    );
  });
});

describe("hostile Dockerfiles in a source directory", () => {
  it.each([
    [
      "a link to /dev/zero",
      (app: string) => symlink("/dev/zero", join(app, "Dockerfile")),
      /points outside the repository/,
    ],
    [
      // Not even listed as a Dockerfile candidate.
      "a FIFO",
      (app: string) => run("mkfifo", [join(app, "Dockerfile")]).then(() => undefined),
      /No Dockerfile found/,
    ],
    [
      "a link to a FIFO in the tree",
      async (app: string) => {
        await run("mkfifo", [join(app, "pipe")]);
        await symlink("pipe", join(app, "Dockerfile"));
      },
      /is not a regular file/,
    ],
  ])("%s is refused at once, not read", async (_, make, message) => {
    const app = await makeApp({ "app.txt": "x" });
    try {
      await make(app);
      const { error } = await attempt({ kind: "directory", path: app });
      expect(isBuildError(error)).toBe(true);
      expect(error?.retryable).toBe(false);
      expect(error?.message).toMatch(message);
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });

  it("a Dockerfile over 1 MiB is refused", async () => {
    const app = await makeApp({ Dockerfile: `${dockerfile()}${"# padding\n".repeat(120_000)}` });
    await mkdir(join(app, "sub"));
    try {
      const { error } = await attempt({ kind: "directory", path: app });
      expect(error?.code).toBe("invalid_request");
      expect(error?.message).toMatch(/larger than 1 MiB/);
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });
});
