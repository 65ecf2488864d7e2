import { describe, expect, it } from "vitest";
import { makeBuildctlArgs, readPushedDigest } from "./buildctl-args.js";

describe("makeBuildctlArgs", () => {
  const base = {
    addr: "unix:///run/buildkit/buildkitd.sock",
    contextDir: "/src/api",
    dockerfileDir: "/src/api/docker",
    dockerfileName: "Dockerfile.prod",
    imageName: "127.0.0.1:5000/slipway/api:dep_1",
    metadataFile: "/tmp/m.json",
    secretArgs: ["--secret", "id=A,env=SLIPWAY_SECRET_0"],
  };

  it("builds with the built-in Dockerfile frontend, pushes, and reports rawjson progress", () => {
    expect(makeBuildctlArgs({ ...base, cacheRef: undefined })).toEqual([
      "--addr",
      "unix:///run/buildkit/buildkitd.sock",
      "build",
      "--progress",
      "rawjson",
      "--frontend",
      "dockerfile.v0",
      "--local",
      "context=/src/api",
      "--local",
      "dockerfile=/src/api/docker",
      "--opt",
      "filename=Dockerfile.prod",
      "--output",
      "type=image,name=127.0.0.1:5000/slipway/api:dep_1,push=true",
      "--metadata-file",
      "/tmp/m.json",
      "--secret",
      "id=A,env=SLIPWAY_SECRET_0",
    ]);
  });

  it("imports and exports a registry cache when a cache ref is given", () => {
    const args = makeBuildctlArgs({ ...base, cacheRef: "r/slipway/api:buildcache" });
    expect(args.slice(-4)).toEqual([
      "--export-cache",
      "type=registry,ref=r/slipway/api:buildcache,mode=max",
      "--import-cache",
      "type=registry,ref=r/slipway/api:buildcache",
    ]);
  });
});

describe("readPushedDigest", () => {
  it("accepts only a sha256 digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(readPushedDigest({ "containerimage.digest": digest })).toBe(digest);
    expect(readPushedDigest({ "containerimage.digest": "sha256:zz" })).toBeUndefined();
    expect(readPushedDigest({})).toBeUndefined();
  });
});
