import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BuilderDeps } from "../../src/image-build/run-build.js";

/** What the global setup started, read in a test worker. */
export function stack() {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value)
      throw new Error(`${name} is not set: run these tests through the builder's vitest config`);
    return value;
  };
  return {
    addr: need("SLIPWAY_TEST_BUILDKIT_ADDR"),
    buildctl: need("SLIPWAY_TEST_BUILDCTL"),
    registry: need("SLIPWAY_TEST_REGISTRY"),
    baseImage: need("SLIPWAY_TEST_BASE_IMAGE"),
  };
}

export function testDeps(overrides: Partial<BuilderDeps> = {}): BuilderDeps {
  const { addr, buildctl } = stack();
  return { buildctl, addr, fetch, now: () => new Date(), ...overrides };
}

/** A fresh repository name per test, so tests never share images or cache. */
export function uniqueRepository(name: string): string {
  return `${stack().registry}/slipway/${name}-${randomBytes(4).toString("hex")}`;
}

/** Writes an app's files (relative path → content) into a new temp directory. */
export async function makeApp(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-app-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}
