import { BUILDKIT_BINARIES, BUILDKIT_VERSION } from "../config.js";

/**
 * argv for `go` (without "go") that builds buildkitd and buildctl into outDir inside the
 * wrapper module. Static, no cgo (so no C toolchain, and no libseccomp: buildkitd then relies on
 * runc's default profile), the same build tags and version ldflags as BuildKit's own Dockerfile.
 */
export function makeBuildkitBuildArgs(outDir: string, parallelism: number): string[] {
  const pkg = "github.com/moby/buildkit";
  return [
    "build",
    "-mod=readonly",
    "-trimpath",
    `-p=${parallelism}`,
    "-tags=osusergo netgo static_build",
    `-ldflags=-s -w -X ${pkg}/version.Version=${BUILDKIT_VERSION} -X ${pkg}/version.Package=${pkg}`,
    "-o",
    `${outDir.replace(/\/+$/, "")}/`,
    ...BUILDKIT_BINARIES.map((name) => `${pkg}/cmd/${name}`),
  ];
}
