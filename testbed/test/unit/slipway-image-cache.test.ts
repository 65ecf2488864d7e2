import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  digestRepositoryFiles,
  imageCacheKey,
  imageInputs,
} from "../../src/images/slipway-image-cache.js";
import { SLIPWAY_IMAGES } from "../../src/images/slipway-images.js";

const image = (name: string) => SLIPWAY_IMAGES.find((i) => i.name === name)!;
let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "slipway-image-cache-"));
  await mkdir(join(repo, "sentinel/src"), { recursive: true });
  await writeFile(join(repo, "package.json"), "{}");
  await writeFile(join(repo, "sentinel/src/main.ts"), "one");
});

afterAll(() => rm(repo, { recursive: true, force: true }));

describe("what an image is keyed by", () => {
  it("takes each image's own sources: a control-plane change leaves Sentinel's key alone", () => {
    expect(imageInputs(image("sentinel"))).toContain("sentinel/src");
    expect(imageInputs(image("sentinel"))).not.toContain("control-plane/src");
    expect(imageInputs(image("control-plane"))).toEqual(
      expect.arrayContaining(["control-plane/src", "control-plane/drizzle", "package-lock.json"]),
    );
  });

  it("changes the digest when a file's content, name or presence changes", async () => {
    const inputs = ["package.json", "sentinel/src"];
    const first = await digestRepositoryFiles(repo, inputs);
    expect(await digestRepositoryFiles(repo, inputs)).toBe(first);
    await writeFile(join(repo, "sentinel/src/main.ts"), "two");
    const edited = await digestRepositoryFiles(repo, inputs);
    expect(edited).not.toBe(first);
    await writeFile(join(repo, "sentinel/src/extra.ts"), "");
    expect(await digestRepositoryFiles(repo, inputs)).not.toBe(edited);
  });

  it("keys on the base image, the version and buildctl too, the last only where the Dockerfile copies it", () => {
    const input = {
      sourcesDigest: "s",
      baseManifestDigest: "sha256:base",
      buildctlDigest: "b1",
      dockerfile: "FROM node:20-slim",
      version: "1",
    };
    const key = (name: string, over: Partial<typeof input> = {}) =>
      imageCacheKey({ ...input, ...over, image: image(name) });
    expect(key("sentinel")).toMatch(/^sentinel-[0-9a-f]{16}$/);
    expect(key("sentinel", { buildctlDigest: "b2" })).toBe(key("sentinel"));
    expect(key("control-plane", { buildctlDigest: "b2" })).not.toBe(key("control-plane"));
    expect(key("sentinel", { baseManifestDigest: "sha256:other" })).not.toBe(key("sentinel"));
    expect(key("sentinel", { dockerfile: "FROM node:20" })).not.toBe(key("sentinel"));
    // Another release of the same sources is another image (an upgrade needs one to go to).
    expect(key("sentinel", { version: "2" })).not.toBe(key("sentinel"));
  });
});
