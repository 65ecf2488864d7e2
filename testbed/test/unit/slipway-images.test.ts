import { describe, expect, it } from "vitest";
import {
  makeImageBuildArgs,
  pulledBytes,
  SLIPWAY_IMAGES,
} from "../../src/images/slipway-images.js";

const request = {
  buildctl: "/bin/buildctl",
  addr: "unix:///run/bk.sock",
  repoRoot: "/repo",
  image: { name: "sentinel", dockerfileDir: "sentinel", sources: ["sentinel/src"] },
  registryHost: "127.0.0.1:5000",
  base: "docker.io/library/node:20",
  tag: "abc123-node20full",
  version: "abc123",
};

describe("makeImageBuildArgs", () => {
  it("maps the Dockerfiles' FROM node:20-slim to the chosen base in the local registry", () => {
    const args = makeImageBuildArgs(request, "/tmp/m.json");
    expect(args).toContain("context:node:20-slim=docker-image://127.0.0.1:5000/library/node:20");
    expect(args).toContain(
      "type=image,name=127.0.0.1:5000/slipway/sentinel:abc123-node20full,push=true",
    );
    expect(args).toContain("context=/repo");
    expect(args).toContain("dockerfile=/repo/sentinel");
  });

  it("passes the release the image reports as the Dockerfiles' SLIPWAY_VERSION argument", () => {
    const args = makeImageBuildArgs({ ...request, version: "1.2.3" }, "/tmp/m.json");
    expect(args).toContain("build-arg:SLIPWAY_VERSION=1.2.3");
    expect(args[args.indexOf("build-arg:SLIPWAY_VERSION=1.2.3") - 1]).toBe("--opt");
  });

  it("hands the npm proxy's CA bundle over as a build secret only when there is one", () => {
    expect(makeImageBuildArgs(request, "/tmp/m.json")).not.toContain("--secret");
    const args = makeImageBuildArgs({ ...request, extraCaFile: "/etc/ca.crt" }, "/tmp/m.json");
    expect(args.slice(args.indexOf("--secret"))).toEqual([
      "--secret",
      "id=extra-ca,src=/etc/ca.crt",
    ]);
  });
});

describe("named build contexts", () => {
  const controlPlane = SLIPWAY_IMAGES.find((i) => i.name === "control-plane")!;

  it("hands the control plane's Dockerfile the buildctl folder as the context it copies from", () => {
    const args = makeImageBuildArgs(
      { ...request, image: controlPlane, localContexts: { buildctl: "/cache/buildkit" } },
      "/tmp/m.json",
    );
    expect(args).toContain("buildctl=/cache/buildkit");
    expect(args).toContain("context:buildctl=local:buildctl");
  });

  it("refuses to build it without that folder, naming the context", () => {
    expect(() => makeImageBuildArgs({ ...request, image: controlPlane }, "/tmp/m.json")).toThrow(
      /control-plane's Dockerfile needs the buildctl context/,
    );
  });
});

describe("SLIPWAY_IMAGES", () => {
  it("has one image per runtime, the API, workers and builder workers sharing control-plane", () => {
    expect(SLIPWAY_IMAGES.map((i) => i.name).sort()).toEqual([
      "control-plane",
      "operator",
      "sentinel",
    ]);
  });
});

describe("pulledBytes", () => {
  it("adds the config and every layer", () => {
    const d = (size: number) => ({ size, mediaType: "x", digest: "sha256:0" });
    expect(pulledBytes({ config: d(10), layers: [d(100), d(1000)] })).toBe(1110);
  });
});
