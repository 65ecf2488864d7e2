import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { makeOciImage, makeTar, OCI_MANIFEST, sha256 } from "../../src/images/oci-image.js";
import { parseImageRef } from "../../src/images/push-image.js";
import { makeBusyboxHttpdImage } from "../../src/images/test-images.js";

/** GNU tar's verbose listing of an archive: what any image unpacker will see. */
function listWithGnuTar(tar: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), "slipway-tar-test-"));
  try {
    writeFileSync(join(dir, "layer.tar"), tar);
    return execFileSync("tar", ["-tvf", join(dir, "layer.tar"), "--numeric-owner"], {
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .map((line) => line.replace(/\s+/g, " "));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("makeTar", () => {
  it("writes a ustar archive GNU tar reads back entry for entry", () => {
    const tar = makeTar([
      { type: "dir", path: "bin" },
      { type: "file", path: "bin/tool", content: Buffer.from("#!/bin/sh\necho hi\n"), mode: 0o755 },
      { type: "symlink", path: "bin/sh", target: "tool" },
      { type: "file", path: "/etc/motd", content: Buffer.alloc(513, 0x61) },
    ]);
    expect(tar.length % 512).toBe(0);
    expect(listWithGnuTar(tar)).toEqual([
      "drwxr-xr-x 0/0 0 1970-01-01 00:00 bin/",
      "-rwxr-xr-x 0/0 18 1970-01-01 00:00 bin/tool",
      "lrwxrwxrwx 0/0 0 1970-01-01 00:00 bin/sh -> tool",
      "-rw-r--r-- 0/0 513 1970-01-01 00:00 etc/motd",
    ]);
  });

  it("refuses a path ustar cannot hold", () => {
    expect(() => makeTar([{ type: "dir", path: "x".repeat(101) }])).toThrow(/1-100 bytes/);
    expect(() => makeTar([{ type: "dir", path: "/" }])).toThrow(/1-100 bytes/);
  });
});

describe("makeOciImage", () => {
  it("is reproducible, and its manifest and config name the blobs by digest", () => {
    const busybox = Buffer.from("not really busybox");
    const first = makeBusyboxHttpdImage(busybox);
    const second = makeBusyboxHttpdImage(busybox);
    expect(first.manifest.digest).toBe(second.manifest.digest);

    const manifest = JSON.parse(first.manifest.bytes.toString());
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
    expect(manifest.config.digest).toBe(sha256(first.config.bytes));
    expect(manifest.layers).toEqual(
      first.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    );
    const config = JSON.parse(first.config.bytes.toString());
    // diff_ids are the digests of the uncompressed layers.
    expect(config.rootfs.diff_ids).toEqual([sha256(gunzipSync(first.layers[0]!.bytes))]);
    expect(config.config.Entrypoint[0]).toBe("/bin/busybox");
    expect(config.config.ExposedPorts).toEqual({ "8080/tcp": {} });
  });

  it("different content gives a different image", () => {
    const a = makeOciImage({ layers: [[{ type: "file", path: "a", content: Buffer.from("1") }]] });
    const b = makeOciImage({ layers: [[{ type: "file", path: "a", content: Buffer.from("2") }]] });
    expect(a.manifest.digest).not.toBe(b.manifest.digest);
  });
});

describe("parseImageRef", () => {
  it.each([
    ["docker.io/slipway/busybox-httpd:1", "slipway/busybox-httpd", "1"],
    ["docker.io/busybox:1.36", "library/busybox", "1.36"],
    ["busybox", "library/busybox", "latest"],
    ["registry.k8s.io/pause:3.10", "pause", "3.10"],
    ["localhost:5000/team/app:v2", "team/app", "v2"],
  ])("%s is stored as %s:%s", (image, repository, tag) => {
    expect(parseImageRef(image)).toEqual({ repository, tag });
  });

  it.each(["Upper/Case:1", "docker.io/a//b:1", "app:bad tag", ""])("rejects %j", (image) => {
    expect(() => parseImageRef(image)).toThrow(/not an image name/);
  });
});
