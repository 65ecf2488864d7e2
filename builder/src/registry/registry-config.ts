/** The local OCI registry (Debian's docker-registry, Docker Distribution 2.8) for tests and
 * single-machine setups; production points SLIPWAY_REGISTRY at any OCI registry instead. */
export interface RegistryConfig {
  storageDir: string;
  port: number;
  /** An htpasswd file (bcrypt entries) to require basic auth, as a hosted registry does. */
  htpasswdFile?: string;
}

export function makeRegistryConfigYaml(config: RegistryConfig): string {
  return [
    "# Rendered by builder/src/registry/registry-config.ts",
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(config.storageDir)}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${config.port}`,
    ...(config.htpasswdFile
      ? [
          "auth:",
          "  htpasswd:",
          "    realm: slipway",
          `    path: ${JSON.stringify(config.htpasswdFile)}`,
        ]
      : []),
    "",
  ].join("\n");
}
