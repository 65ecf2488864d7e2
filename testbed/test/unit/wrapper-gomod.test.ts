import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION, WRAPPERS_DIR } from "../../src/config.js";
import {
  makeKubernetesWrapperGoMod,
  parseGoDirective,
  parseGodebugLines,
  parseStagingModules,
  stagingVersionFor,
} from "../../src/go-binaries/wrapper-gomod.js";

const releaseGoMod = `module k8s.io/kubernetes

go 1.24.0

godebug default=go1.24

require (
	k8s.io/api v0.0.0
	k8s.io/apimachinery v0.0.0
)

replace (
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery
	k8s.io/api => ./staging/src/k8s.io/api
)
`;

describe("wrapper go.mod generation", () => {
  it("replaces every staging module of the release with its v0 tag", () => {
    expect(parseStagingModules(releaseGoMod)).toEqual(["k8s.io/api", "k8s.io/apimachinery"]);
    expect(stagingVersionFor("v1.34.4")).toBe("v0.34.4");
    const goMod = makeKubernetesWrapperGoMod("v1.34.4", releaseGoMod, [
      "k8s.io/kubernetes/cmd/kubectl",
    ]);
    expect(goMod).toContain("require k8s.io/kubernetes v1.34.4");
    expect(goMod).toContain("\tk8s.io/api => k8s.io/api v0.34.4");
    expect(goMod).toContain("\tk8s.io/apimachinery => k8s.io/apimachinery v0.34.4");
    expect(goMod).toContain("\tk8s.io/kubernetes/cmd/kubectl");
  });

  it("copies the release's go and godebug lines", () => {
    expect(parseGoDirective(releaseGoMod)).toBe("1.24.0");
    expect(parseGodebugLines(releaseGoMod)).toEqual(["godebug default=go1.24"]);
    expect(parseGodebugLines("godebug (\n\tdefault=go1.21\n\tpanicnil=1\n)\n")).toEqual([
      "godebug default=go1.21",
      "godebug panicnil=1",
    ]);
  });

  it("rejects a go.mod that is not a Kubernetes release", () => {
    expect(() => parseStagingModules("module example.com/x\n")).toThrow(/staging/);
    expect(() => stagingVersionFor("v2.0.0")).toThrow();
  });

  it("the committed wrapper modules pin the versions the testbed says it runs", () => {
    const k8s = readFileSync(join(WRAPPERS_DIR, "kubernetes", "go.mod"), "utf8");
    expect(k8s).toMatch(
      new RegExp(`k8s\\.io/kubernetes ${KUBERNETES_VERSION.replace(/\./g, "\\.")}\\b`),
    );
    expect(k8s).toContain(
      `k8s.io/client-go => k8s.io/client-go ${stagingVersionFor(KUBERNETES_VERSION)}`,
    );
    expect(k8s).toMatch(/^godebug default=go1\.24$/m);
    expect(readFileSync(join(WRAPPERS_DIR, "etcd", "go.mod"), "utf8")).toContain(
      `go.etcd.io/etcd/server/v3 ${ETCD_VERSION}`,
    );
    expect(readFileSync(join(WRAPPERS_DIR, "kwok", "go.mod"), "utf8")).toContain(
      `sigs.k8s.io/kwok ${KWOK_VERSION}`,
    );
    for (const name of ["kubernetes", "etcd", "kwok"]) {
      expect(readFileSync(join(WRAPPERS_DIR, name, "go.sum"), "utf8").length).toBeGreaterThan(1000);
    }
  });
});
