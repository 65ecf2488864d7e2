/** Where go may be: SLIPWAY_GO, $GOROOT/bin, PATH, then the usual tarball locations. */
export function goCandidates(
  env: NodeJS.ProcessEnv,
  wellKnown: string[] = ["/usr/local/go/bin/go"],
): string[] {
  const candidates: string[] = [];
  if (env.SLIPWAY_GO) candidates.push(env.SLIPWAY_GO);
  if (env.GOROOT) candidates.push(`${env.GOROOT.replace(/\/+$/, "")}/bin/go`);
  for (const dir of (env.PATH ?? "").split(":"))
    if (dir) candidates.push(`${dir.replace(/\/+$/, "")}/go`);
  candidates.push(...wellKnown);
  return candidates;
}

/**
 * Environment for go: static binaries (no cgo, so no C toolchain needed), the committed go.sum
 * as the only source of truth, no workspace, and parallel compiles capped (linking
 * kube-apiserver on a small machine must not run out of memory). GOTOOLCHAIN is left to the
 * user so an older Go can fetch the toolchain a wrapper's `go` line asks for. With `goBinDir`,
 * that directory goes first on PATH (for tools that run `go` themselves).
 */
export function makeGoEnv(
  base: NodeJS.ProcessEnv,
  parallelism: number,
  goBinDir?: string,
): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(goBinDir ? { PATH: `${goBinDir}:${base.PATH ?? ""}` } : {}),
    CGO_ENABLED: "0",
    GOFLAGS: "-buildvcs=false",
    GOWORK: "off",
    GOMAXPROCS: base.GOMAXPROCS ?? String(parallelism),
  };
}
