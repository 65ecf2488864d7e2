/** Everything one `buildctl build` needs; paths are absolute and already validated. */
export interface BuildctlInvocation {
  addr: string;
  contextDir: string;
  dockerfileDir: string;
  dockerfileName: string;
  /** `registry/repo:tag` to push. */
  imageName: string;
  cacheRef: string | undefined;
  metadataFile: string;
  secretArgs: string[];
  /** A BuildKit source policy (JSON) every image the build reads is checked against. */
  sourcePolicyFile?: string | undefined;
}

/**
 * argv of buildctl. The Dockerfile frontend built into buildkitd is used (no `# syntax=` image
 * is ever pulled); progress comes as rawjson on stdout; the pushed digest lands in the metadata file.
 */
export function makeBuildctlArgs(invocation: BuildctlInvocation): string[] {
  const args = [
    "--addr",
    invocation.addr,
    "build",
    "--progress",
    "rawjson",
    "--frontend",
    "dockerfile.v0",
    "--local",
    `context=${invocation.contextDir}`,
    "--local",
    `dockerfile=${invocation.dockerfileDir}`,
    "--opt",
    `filename=${invocation.dockerfileName}`,
    "--output",
    `type=image,name=${invocation.imageName},push=true`,
    "--metadata-file",
    invocation.metadataFile,
    ...invocation.secretArgs,
  ];
  if (invocation.sourcePolicyFile) args.push("--source-policy-file", invocation.sourcePolicyFile);
  if (invocation.cacheRef) {
    // mode=max also caches the intermediate stages of multi-stage builds.
    args.push(
      "--export-cache",
      `type=registry,ref=${invocation.cacheRef},mode=max`,
      "--import-cache",
      `type=registry,ref=${invocation.cacheRef}`,
    );
  }
  return args;
}

/** The metadata file's keys buildctl writes for an image export. */
export function readPushedDigest(metadata: Record<string, unknown>): string | undefined {
  const digest = metadata["containerimage.digest"];
  return typeof digest === "string" && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}
