import { describe, expect, it } from "vitest";
import { makeBuildkitBuildArgs } from "./build-plan.js";
import { makeBuildkitdToml } from "./daemon-config.js";

describe("makeBuildkitdToml", () => {
  it("renders the runc worker, the snapshotter and plain-HTTP registries (golden)", () => {
    expect(
      makeBuildkitdToml({
        root: "/var/lib/buildkit",
        addresses: ["unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234"],
        snapshotter: "overlayfs",
        plainHttpRegistries: ["127.0.0.1:5000"],
        gcKeepStorageMb: 2000,
        maxParallelism: 2,
      }),
    ).toBe(`# Rendered by builder/src/buildkit/daemon-config.ts
root = "/var/lib/buildkit"

[grpc]
  address = ["unix:///run/buildkit/buildkitd.sock", "tcp://0.0.0.0:1234"]

[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  networkMode = "host"
  gc = true
  gckeepstorage = "2000MB"
  max-parallelism = 2

[worker.containerd]
  enabled = false

[registry."127.0.0.1:5000"]
  http = true
  insecure = true
`);
  });

  it("sends Docker Hub and registry.k8s.io names to the mirror, over plain HTTP", () => {
    const toml = makeBuildkitdToml({
      root: "/var/lib/buildkit",
      addresses: ["unix:///run/buildkit/buildkitd.sock"],
      snapshotter: "native",
      plainHttpRegistries: ["127.0.0.1:5000"],
      mirrorRegistry: "127.0.0.1:5000",
      gcKeepStorageMb: 2000,
      maxParallelism: 2,
    });
    expect(toml).toContain(`[registry."docker.io"]\n  mirrors = ["127.0.0.1:5000"]\n`);
    expect(toml).toContain(`[registry."registry.k8s.io"]\n  mirrors = ["127.0.0.1:5000"]\n`);
    // The mirror itself once, over plain HTTP (a duplicate table is invalid TOML).
    expect(toml.match(/\[registry\."127\.0\.0\.1:5000"\]/g)).toHaveLength(1);
    expect(toml).toContain(`[registry."127.0.0.1:5000"]\n  http = true\n  insecure = true\n`);
  });
});

describe("makeBuildkitBuildArgs", () => {
  it("builds both commands statically with version ldflags into the directory", () => {
    const args = makeBuildkitBuildArgs("/cache/buildkit.tmp-1/", 2);
    expect(args).toContain("-mod=readonly");
    expect(args).toContain("-p=2");
    expect(args.slice(-3)).toEqual([
      "/cache/buildkit.tmp-1/",
      "github.com/moby/buildkit/cmd/buildkitd",
      "github.com/moby/buildkit/cmd/buildctl",
    ]);
    expect(args.find((a) => a.startsWith("-ldflags="))).toContain("version.Version=v0.34.2");
  });
});
