import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import {
  BuildError,
  type BuildEvent,
  type BuildRequest,
  type BuildResult,
  isBuildError,
} from "@slipway/shared";
import { readDockerfile } from "../dockerfile/read-dockerfile.js";
import { resolveDockerfile, safeRelativePath } from "../dockerfile/resolve-dockerfile.js";
import { makeWorkspaceSourcePolicy } from "../registry/workspace-source-policy.js";
import type { ExtractLimits } from "../source/extract-tarball.js";
import { listSourceTree } from "../source/list-files.js";
import { prepareSource } from "../source/prepare-source.js";
import { makeBuildctlArgs, readPushedDigest } from "./buildctl-args.js";
import { classifyFailure } from "./classify-failure.js";
import { ProgressTracker } from "./progress.js";
import { openSecretDescriptors, type SecretDescriptors } from "./secret-fds.js";
import { makeSecretPlan } from "./secrets.js";

export interface BuilderDeps {
  /** Path of the buildctl binary. */
  buildctl: string;
  /** buildkitd's address, e.g. unix:///run/buildkit/buildkitd.sock. */
  addr: string;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  /** Registry credentials for buildctl (a directory with config.json), if the registry needs them. */
  dockerConfigDir?: string | undefined;
  /** Time limit of one build. */
  timeoutSeconds?: number;
  /** Where temporary files go (default: the OS temp dir). */
  workDir?: string;
  /** Largest source tarball downloaded (default 2 GiB). */
  maxSourceBytes?: number;
  /** What a source tarball may unpack to (DEFAULT_EXTRACT_LIMITS: 1 GiB, 100 000 entries). */
  sourceLimits?: Partial<ExtractLimits> | undefined;
  /**
   * `<registry>/<prefix>`, under which each workspace has its own `<workspace>/` repositories:
   * a build may then read images there only from its own workspace (a BuildKit source policy).
   */
  workspacesRoot?: string | undefined;
}

export interface BuildOptions {
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

/** After SIGTERM (buildctl then cancels the solve itself), SIGKILL the group after this. */
const KILL_GRACE_MS = 800;
const STDERR_KEPT = 64 * 1024;

/**
 * Builds the request's image with buildctl against a running buildkitd and pushes it. The edge
 * of the builder: every decision (paths, argv, secrets, events, error mapping) is made by the
 * pure modules it calls.
 */
export async function runBuild(
  request: BuildRequest,
  deps: BuilderDeps,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const started = deps.now();
  const timeout = AbortSignal.timeout((deps.timeoutSeconds ?? 1800) * 1000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const secrets = makeSecretPlan(request.env);
  const tag = request.tag ?? request.deploymentId;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new BuildError("invalid_request", `"${tag}" is not a valid image tag.`);
  }
  if (!/^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+$/.test(request.imageRepository)) {
    throw new BuildError(
      "invalid_request",
      `"${request.imageRepository}" is not a valid image repository (registry/name, lower case).`,
    );
  }
  // The cache ref goes into a CSV option of buildctl: no commas or other option syntax.
  if (
    request.cacheRef !== undefined &&
    !/^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(
      request.cacheRef,
    )
  ) {
    throw new BuildError(
      "invalid_request",
      `"${request.cacheRef}" is not a valid cache reference.`,
    );
  }
  const cancelledError = () =>
    timeout.aborted
      ? new BuildError(
          "timed_out",
          `The build took longer than ${deps.timeoutSeconds ?? 1800} s and was stopped.`,
        )
      : new BuildError("cancelled", "The build was cancelled.");
  if (signal.aborted) throw cancelledError();

  const source = await prepareSource(request.source, {
    fetch: deps.fetch,
    signal,
    workDir: deps.workDir,
    maxDownloadBytes: deps.maxSourceBytes,
    limits: deps.sourceLimits,
  }).catch((error: unknown) => {
    throw signal.aborted && !isBuildError(error) ? cancelledError() : error;
  });
  const scratch = await mkdtemp(join(deps.workDir ?? tmpdir(), "slipway-build-"));
  try {
    const { contextPath, dockerfilePath } = await locateDockerfile(source.root, request);
    const contextDir = join(source.root, contextPath);
    const dockerfileFile = join(source.root, dockerfilePath);
    const content = await readDockerfile(source.root, dockerfilePath);
    if (content.split("\n").every((line) => /^\s*(#.*)?$/.test(line))) {
      // BuildKit says "file with no instructions"; saying it before a round trip is clearer.
      throw new BuildError(
        "dockerfile_empty",
        `The Dockerfile "${dockerfilePath}" is empty: it has no instructions.`,
        {
          hint: "Add at least a FROM instruction.",
        },
      );
    }
    const metadataFile = join(scratch, "metadata.json");
    let sourcePolicyFile: string | undefined;
    if (deps.workspacesRoot) {
      sourcePolicyFile = join(scratch, "source-policy.json");
      const policy = makeWorkspaceSourcePolicy(deps.workspacesRoot, request.imageRepository);
      await writeFile(sourcePolicyFile, JSON.stringify(policy), { mode: 0o600 });
    }
    const args = makeBuildctlArgs({
      addr: deps.addr,
      contextDir,
      dockerfileDir: join(dockerfileFile, ".."),
      dockerfileName: posix.basename(dockerfilePath),
      imageName: `${request.imageRepository}:${tag}`,
      cacheRef: request.cacheRef,
      metadataFile,
      secretArgs: secrets.args,
      sourcePolicyFile,
    });
    const tracker = new ProgressTracker(secrets.redact);
    const emit = safeListener(options.onEvent);
    const descriptors = await openSecretDescriptors(secrets.contents);
    const outcome = await runBuildctl(deps, args, descriptors, tracker, signal, emit);
    for (const event of tracker.flush(deps.now().toISOString())) emit(event);
    if (signal.aborted) throw cancelledError();
    if (outcome.exitCode !== 0) {
      throw classifyFailure({
        exitCode: outcome.exitCode,
        stderr: secrets.redact(outcome.stderr),
        failedStep: tracker.failedStep(),
        anyStepStarted: tracker.timings().length > 0 || outcome.anyEvent,
      });
    }
    const metadata = JSON.parse(await readFile(metadataFile, "utf8")) as Record<string, unknown>;
    const digest = readPushedDigest(metadata);
    if (!digest) {
      throw new BuildError(
        "registry_push_failed",
        "BuildKit finished but reported no pushed image digest.",
        {
          raw: JSON.stringify(metadata),
        },
      );
    }
    const steps = tracker.timings();
    return {
      imageRef: `${request.imageRepository}@${digest}`,
      digest,
      taggedRef: `${request.imageRepository}:${tag}`,
      steps,
      cachedSteps: steps.filter((step) => step.cached).length,
      durationSeconds: (deps.now().getTime() - started.getTime()) / 1000,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await source.dispose();
  }
}

async function locateDockerfile(root: string, request: BuildRequest) {
  const contextPath = safeRelativePath("root directory", request.rootDirectory || ".");
  const configured = request.dockerfile?.trim() ? request.dockerfile : "Dockerfile";
  const dockerfilePath = safeRelativePath("dockerfile path", posix.join(contextPath, configured));
  const [contextInfo, fileInfo] = await Promise.all([
    stat(join(root, contextPath)).catch(() => undefined),
    stat(join(root, dockerfilePath)).catch(() => undefined),
  ]);
  if (contextInfo?.isDirectory() && fileInfo?.isFile()) {
    // A symlinked Dockerfile or root directory must not lead out of the repository either.
    const [realRoot, realContext, realFile] = await Promise.all(
      [root, join(root, contextPath), join(root, dockerfilePath)].map((path) => realpath(path)),
    );
    for (const [what, path] of [
      ["root directory", realContext],
      ["dockerfile path", realFile],
    ] as const) {
      if (path !== realRoot && !path?.startsWith(`${realRoot}/`)) {
        throw new BuildError(
          "invalid_request",
          `The ${what} is a symbolic link that points outside the repository.`,
        );
      }
    }
    return { contextPath, dockerfilePath };
  }
  // Not where the settings say: list the tree so the error can suggest what exists.
  const tree = await listSourceTree(root);
  return resolveDockerfile(request, tree.files, tree.directories);
}

/**
 * A listener that throws (the pipeline failed to store an event) must not become an uncaught
 * exception inside a stream handler, which would take the whole builder process down; the build
 * goes on and the listener's owner sees its own failure.
 */
function safeListener(
  listener: ((event: BuildEvent) => void) | undefined,
): (event: BuildEvent) => void {
  return (event) => {
    try {
      listener?.(event);
    } catch {
      // See above: the listener's failure is its own.
    }
  };
}

interface BuildctlOutcome {
  exitCode: number | null;
  stderr: string;
  anyEvent: boolean;
}

function runBuildctl(
  deps: BuilderDeps,
  args: string[],
  secrets: SecretDescriptors,
  tracker: ProgressTracker,
  signal: AbortSignal,
  onEvent: (event: BuildEvent) => void,
): Promise<BuildctlOutcome> {
  return new Promise((resolve, reject) => {
    // Only what buildctl needs, so the builder's other variables don't leak into it.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      ...(deps.dockerConfigDir ? { DOCKER_CONFIG: deps.dockerConfigDir } : {}),
    };
    // Its own process group, so cancelling kills buildctl and anything it started. The secrets
    // are its descriptors 3…n (FIRST_SECRET_FD); this process closes its copies once it started.
    const child = spawn(deps.buildctl, args, {
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", ...secrets.fds],
    }) as ChildProcessByStdio<null, Readable, Readable>;
    void secrets.close();
    let stderr = "";
    let anyEvent = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      // SIGTERM makes buildctl cancel its solve context, which cancels the build in buildkitd.
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    // buildctl prints rawjson progress on stderr, then its `error: …` lines; stdout stays empty.
    createInterface({ input: child.stderr }).on("line", (line) => {
      const events = line.startsWith("{") ? tracker.feedLine(line) : undefined;
      if (events === undefined || (events.length === 0 && !line.startsWith('{"'))) {
        stderr = `${stderr}${line}\n`.slice(-STDERR_KEPT);
        return;
      }
      for (const event of events) {
        anyEvent = true;
        onEvent(event);
      }
    });
    child.stdout.resume();
    child.on("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      reject(
        new BuildError(
          "builder_unavailable",
          `buildctl could not be started: ${error.message}`,
          {},
          error,
        ),
      );
    });
    child.on("close", (exitCode) => {
      signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      // buildctl is gone; make sure nothing else of its group outlives it.
      killGroup("SIGKILL");
      resolve({ exitCode, stderr, anyEvent });
    });
    if (signal.aborted) onAbort();
  });
}
