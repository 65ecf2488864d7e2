/**
 * The build contract between the control plane's deployment pipeline and the builder:
 * what to build (BuildRequest), what the pipeline hears while it runs (BuildEvent), what it
 * gets back (BuildResult) and the stable codes of every way a build can fail.
 */

/** Where the source comes from. A tarball URL is fetched by the builder with `authorization`
 * (e.g. `token <installation token>`); the header never reaches BuildKit, logs or the image. */
export type BuildSource =
  | { kind: "directory"; path: string }
  | { kind: "tarball"; path: string }
  | { kind: "tarball"; url: string; authorization?: string };

export interface BuildRequest {
  deploymentId: string;
  source: BuildSource;
  /** As `EnvironmentBuild`: the build context, relative to the source root. */
  rootDirectory: string;
  /** As `EnvironmentBuild.dockerfile`: relative to rootDirectory; undefined means "Dockerfile". */
  dockerfile?: string;
  /** Decrypted environment variables, handed to the build as BuildKit secrets, in memory only. */
  env: Record<string, string>;
  /** Repository without tag, e.g. `registry.example.com/acme/payments-api`. */
  imageRepository: string;
  /** Tag to push besides the digest; defaults to the deployment id. */
  tag?: string;
  /** Registry reference for the layer cache, e.g. `<imageRepository>:buildcache`. */
  cacheRef?: string;
}

/** The secret id of the dotenv-format file holding every variable (`--mount=type=secret,id=slipway.env`). */
export const ENV_FILE_SECRET_ID = "slipway.env";

export type BuildEvent =
  | { type: "step_started"; stepId: string; name: string; at: string }
  | {
      type: "step_finished";
      stepId: string;
      name: string;
      at: string;
      cached: boolean;
      error?: string;
    }
  | { type: "log"; stepId: string; stream: "stdout" | "stderr"; line: string; at: string };

export interface BuildStepTiming {
  name: string;
  cached: boolean;
  seconds: number;
}

export interface BuildResult {
  /** `registry/app@sha256:…`, what the operator deploys. */
  imageRef: string;
  digest: string;
  /** `registry/app:tag`, for humans. */
  taggedRef: string;
  steps: BuildStepTiming[];
  cachedSteps: number;
  durationSeconds: number;
}

export const buildErrorCodes = {
  invalid_request: {
    summary: "The build request is malformed (bad path, variable name or source).",
    retryable: false,
  },
  source_unavailable: {
    summary: "The source directory or tarball could not be read or downloaded.",
    retryable: true,
  },
  dockerfile_not_found: { summary: "No Dockerfile at the configured path.", retryable: false },
  dockerfile_empty: { summary: "The Dockerfile has no instructions.", retryable: false },
  dockerfile_syntax: { summary: "The Dockerfile could not be parsed.", retryable: false },
  copy_source_missing: {
    summary: "A COPY or ADD source does not exist in the build context.",
    retryable: false,
  },
  base_image_unavailable: { summary: "A FROM image could not be resolved.", retryable: false },
  run_failed: { summary: "A RUN instruction exited with a non-zero code.", retryable: false },
  registry_push_failed: {
    summary: "The image could not be pushed to the registry.",
    retryable: true,
  },
  builder_unavailable: { summary: "BuildKit could not be reached.", retryable: true },
  timed_out: { summary: "The build took longer than the builder's time limit.", retryable: true },
  cancelled: { summary: "The build was cancelled.", retryable: false },
  unknown: {
    summary: "The build failed for a reason the builder does not recognise.",
    retryable: false,
  },
} as const;

export type BuildErrorCode = keyof typeof buildErrorCodes;

export interface BuildErrorDetails {
  /** What to do about it, shown under the message. */
  hint?: string;
  /** Last lines of the failing step's output. */
  logTail?: string[];
  exitCode?: number;
  /** The unmodified error output of BuildKit, kept for support. */
  raw?: string;
  /** Dockerfiles found in the source, for dockerfile_not_found. */
  suggestions?: string[];
}

/** A failed build: a stable code, a human message, and the details behind it. */
export class BuildError extends Error {
  override name = "BuildError";
  readonly code: BuildErrorCode;
  readonly details: BuildErrorDetails;
  readonly retryable: boolean;

  constructor(
    code: BuildErrorCode,
    message: string,
    details: BuildErrorDetails = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
    this.retryable = buildErrorCodes[code].retryable;
  }
}

export function isBuildError(value: unknown): value is BuildError {
  return value instanceof BuildError;
}
