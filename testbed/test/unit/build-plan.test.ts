import { makeGoEnv } from "@slipway/shared/go-build";
import { describe, expect, it } from "vitest";
import {
  BINARY_NAMES,
  makeBuildPlan,
  makeGoBuildArgs,
  makeKubernetesVersionLdflags,
} from "../../src/go-binaries/build-plan.js";
import { makeKwokStagesYaml } from "../../src/go-binaries/kwok-stages.js";

describe("build plan", () => {
  it("stamps the real release into kubernetes binaries so /version reports it", () => {
    const flags = makeKubernetesVersionLdflags("v1.34.4", "2026-02-10T12:53:36Z");
    expect(flags).toContain("-X k8s.io/component-base/version.gitVersion=v1.34.4");
    expect(flags).toContain("-X k8s.io/component-base/version.gitMinor=34");
    expect(flags).toContain("-X k8s.io/client-go/pkg/version.gitMajor=1");
    expect(flags).toContain("-X k8s.io/component-base/version.buildDate=2026-02-10T12:53:36Z");
  });

  it("builds every binary the cluster needs, static and reproducibly, from the pinned go.sum", () => {
    const plan = makeBuildPlan("/out", "2026-01-01T00:00:00Z");
    const outputs = plan.flatMap((step) =>
      step.output.endsWith("/")
        ? step.packages.map((p) => p.split("/").pop())
        : [step.output.split("/").pop()],
    );
    expect(outputs.sort()).toEqual([...BINARY_NAMES].sort());
    const args = makeGoBuildArgs(plan[0]!, 2);
    expect(args.slice(0, 4)).toEqual(["build", "-mod=readonly", "-trimpath", "-p=2"]);
    const env = makeGoEnv({ PATH: "/bin", GOWORK: "/x/go.work" }, 2);
    expect(env.CGO_ENABLED).toBe("0");
    expect(env.GOWORK).toBe("off");
  });

  it("keeps each kwok stage and says where it came from", () => {
    const yaml = makeKwokStagesYaml("v0.8.0", [
      { rel: "a.yaml", text: "kind: Stage\nmetadata:\n  name: a\n" },
      { rel: "b.yaml", text: "kind: Stage\nmetadata:\n  name: b\n" },
    ]);
    expect(yaml.split("\n---\n")).toHaveLength(2);
    expect(yaml).toContain("# from sigs.k8s.io/kwok@v0.8.0/b.yaml");
  });
});
