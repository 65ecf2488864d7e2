/**
 * buildkitd's configuration, built as data: the testbed's daemon and the production Deployment
 * (a ConfigMap) render the same TOML from the same function.
 */
export type Snapshotter = "overlayfs" | "native";

export interface BuildkitdConfig {
  /** State directory (snapshots, content store, cache metadata). */
  root: string;
  /** gRPC listen addresses, e.g. `unix:///run/buildkit/buildkitd.sock`, `tcp://0.0.0.0:1234`. */
  addresses: string[];
  snapshotter: Snapshotter;
  /** Registries reached over plain HTTP (a local registry, an in-cluster one without TLS). */
  plainHttpRegistries: string[];
  /**
   * host:port of a registry that stands in for Docker Hub and registry.k8s.io: `FROM node:20-slim`
   * is read from `<mirror>/library/node:20-slim`. With no internet, the only way an ordinary
   * Dockerfile builds; BuildKit tries the mirror before the upstream.
   */
  mirrorRegistry?: string | undefined;
  /** Build cache kept by garbage collection, in MB. */
  gcKeepStorageMb: number;
  /** Concurrent solve steps; 2 cores want few. */
  maxParallelism: number;
}

/** Upstream registries a mirror stands in for: the ones Dockerfiles and Kubernetes name. */
export const MIRRORED_REGISTRIES = ["docker.io", "registry.k8s.io"] as const;

function quote(value: string): string {
  return JSON.stringify(value);
}

export function makeBuildkitdToml(config: BuildkitdConfig): string {
  const lines = [
    "# Rendered by builder/src/buildkit/daemon-config.ts",
    `root = ${quote(config.root)}`,
    "",
    "[grpc]",
    `  address = [${config.addresses.map(quote).join(", ")}]`,
    "",
    "[worker.oci]",
    "  enabled = true",
    `  snapshotter = ${quote(config.snapshotter)}`,
    // No CNI plugins are installed; host networking is what buildkitd's "auto" picks then too.
    `  networkMode = "host"`,
    "  gc = true",
    `  gckeepstorage = "${config.gcKeepStorageMb}MB"`,
    `  max-parallelism = ${config.maxParallelism}`,
    "",
    "[worker.containerd]",
    "  enabled = false",
  ];
  if (config.mirrorRegistry) {
    for (const upstream of MIRRORED_REGISTRIES) {
      lines.push(
        "",
        `[registry.${quote(upstream)}]`,
        `  mirrors = [${quote(config.mirrorRegistry)}]`,
      );
    }
  }
  const plain = new Set(config.plainHttpRegistries);
  if (config.mirrorRegistry) plain.add(config.mirrorRegistry);
  for (const registry of plain) {
    lines.push("", `[registry.${quote(registry)}]`, "  http = true", "  insecure = true");
  }
  return `${lines.join("\n")}\n`;
}

/** argv for buildkitd; everything else is in the TOML. */
export function makeBuildkitdArgs(configFile: string): string[] {
  return ["--config", configFile];
}
