import { join } from "node:path";
import {
  ETCD_VERSION,
  KUBERNETES_COMPONENTS,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  WRAPPERS_DIR,
} from "../config.js";

/** One `go build` invocation inside one wrapper module. */
export interface GoBuildStep {
  label: string;
  wrapperDir: string;
  packages: string[];
  /** A directory (ending in /) when several packages are built, otherwise the output file. */
  output: string;
  ldflags: string[];
}

/** Files a complete build directory contains; `ensureBinaries` trusts a directory only if all exist. */
export const BINARY_NAMES = [...KUBERNETES_COMPONENTS, "etcd", "kwok"] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];

/**
 * The -X flags Kubernetes' own hack/lib/version.sh sets, so `kubectl version` and /version
 * report the real release instead of v0.0.0-master.
 */
export function makeKubernetesVersionLdflags(version: string, buildDate: string): string[] {
  const match = /^v(\d+)\.(\d+)\./.exec(version);
  if (!match) throw new Error(`not a semantic Kubernetes version: ${version}`);
  const flags: string[] = [];
  for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${match[1]}`,
      `-X ${pkg}.gitMinor=${match[2]}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags;
}

/** The steps that turn the three wrapper modules into the eight binaries, written into outDir. */
export function makeBuildPlan(outDir: string, buildDate: string): GoBuildStep[] {
  const strip = ["-s", "-w"];
  return [
    {
      label: `kubernetes ${KUBERNETES_VERSION} (${KUBERNETES_COMPONENTS.join(", ")})`,
      wrapperDir: join(WRAPPERS_DIR, "kubernetes"),
      packages: KUBERNETES_COMPONENTS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
      output: `${outDir}/`,
      ldflags: [...strip, ...makeKubernetesVersionLdflags(KUBERNETES_VERSION, buildDate)],
    },
    {
      label: `etcd ${ETCD_VERSION}`,
      wrapperDir: join(WRAPPERS_DIR, "etcd"),
      packages: ["go.etcd.io/etcd/server/v3"],
      output: join(outDir, "etcd"),
      ldflags: strip,
    },
    {
      label: `kwok ${KWOK_VERSION}`,
      wrapperDir: join(WRAPPERS_DIR, "kwok"),
      packages: ["sigs.k8s.io/kwok/cmd/kwok"],
      output: join(outDir, "kwok"),
      ldflags: [
        ...strip,
        `-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION.replace(/^v/, "")}`,
      ],
    },
  ];
}

/** argv for `go` (without the leading "go"). -mod=readonly: the committed go.sum is the pin. */
export function makeGoBuildArgs(step: GoBuildStep, parallelism: number): string[] {
  return [
    "build",
    "-mod=readonly",
    "-trimpath",
    `-p=${parallelism}`,
    `-ldflags=${step.ldflags.join(" ")}`,
    "-o",
    step.output,
    ...step.packages,
  ];
}
