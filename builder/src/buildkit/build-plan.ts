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

/** Environment for go: static binaries, the committed go.sum as the pin, no workspace. */
export function makeGoEnv(
  base: NodeJS.ProcessEnv,
  parallelism: number,
  goBinDir: string,
): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${goBinDir}:${base.PATH ?? ""}`,
    CGO_ENABLED: "0",
    GOFLAGS: "-buildvcs=false",
    GOWORK: "off",
    GOMAXPROCS: base.GOMAXPROCS ?? String(parallelism),
  };
}

/** Where go may be: SLIPWAY_GO, $GOROOT/bin, PATH, then the tarball location. */
export function goCandidates(env: NodeJS.ProcessEnv): string[] {
  const candidates: string[] = [];
  if (env.SLIPWAY_GO) candidates.push(env.SLIPWAY_GO);
  if (env.GOROOT) candidates.push(`${env.GOROOT}/bin/go`);
  for (const dir of (env.PATH ?? "").split(":")) if (dir) candidates.push(`${dir}/go`);
  candidates.push("/usr/local/go/bin/go");
  return candidates;
}
