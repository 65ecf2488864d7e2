import { BuildError } from "@slipway/shared";
import { DENIED_BY_POLICY } from "../registry/workspace-source-policy.js";

/** What the builder knows when buildctl exits non-zero. Everything is already redacted. */
export interface FailureEvidence {
  exitCode: number | null;
  /** buildctl's stderr (its final `error: failed to solve: …` lines). */
  stderr: string;
  failedStep?: { name: string; error: string; logTail: string[] } | undefined;
  /** Whether any step started: if none did, BuildKit itself was probably unreachable. */
  anyStepStarted: boolean;
}

const LOG_TAIL_SHOWN = 15;

/** The `error: …` part of buildctl's output, without the gRPC and stack noise. */
export function mainErrorLine(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim());
  const error = lines.filter((line) => line.startsWith("error:")).pop();
  return (error ?? lines.filter(Boolean).pop() ?? "")
    .replace(/^error:\s*/, "")
    .replace(/^failed to solve:\s*/, "");
}

interface Context {
  raw: string;
  summary: string;
  evidence: FailureEvidence;
  logTail: string[];
}

/** One known failure: a BuildKit (or Dockerfile frontend) message and what to tell the user. */
interface Rule {
  pattern: RegExp;
  when?: (context: Context) => boolean;
  make: (match: RegExpExecArray, context: Context) => BuildError;
}

const rules: Rule[] = [
  {
    pattern: /the Dockerfile cannot be empty|file with no instructions/i,
    make: (_, { raw }) =>
      new BuildError("dockerfile_empty", "The Dockerfile is empty: it has no instructions.", {
        hint: "Add at least a FROM instruction, e.g. `FROM node:20-alpine`.",
        raw,
      }),
  },
  {
    pattern: /dockerfile parse error on line (\d+): (.*)|unknown instruction: (\S+)/i,
    make: (match, { raw }) => {
      const detail = (match[2] ?? `unknown instruction: ${match[3]}`).trim();
      const where = match[1] ? ` on line ${match[1]}` : "";
      return new BuildError(
        "dockerfile_syntax",
        `The Dockerfile has a syntax error${where}: ${detail}.`,
        {
          hint: "Check the instruction's spelling (FROM, RUN, COPY, ADD, ENV, ARG, WORKDIR, EXPOSE, CMD, ENTRYPOINT, USER, LABEL, …) and its arguments.",
          raw,
        },
      );
    },
  },
  {
    pattern: /failed to (?:calculate checksum of ref|compute cache key)[^"]*"([^"]+)": not found/i,
    make: (match, { raw, evidence }) =>
      new BuildError(
        "copy_source_missing",
        `COPY/ADD refers to "${(match[1] ?? "").replace(/^\/+/, "")}", which is not in the build context${evidence.failedStep ? ` (step: ${evidence.failedStep.name})` : ""}.`,
        {
          hint: "Paths in COPY and ADD are relative to the root directory; check the path, that the file is committed, and that .dockerignore does not exclude it.",
          raw,
        },
      ),
  },
  {
    pattern: /process "(.*)" did not complete successfully: exit code: (\d+)/s,
    make: (match, { raw, evidence, logTail }) => {
      const exitCode = Number(match[2]);
      const step = evidence.failedStep;
      const tail = logTail.length ? `\nLast output:\n${logTail.join("\n")}` : "";
      return new BuildError(
        "run_failed",
        `The step ${step ? `"${step.name}" ` : ""}failed with exit code ${exitCode}.${tail}`,
        { hint: "Fix the command (its output is above) and push again.", exitCode, logTail, raw },
      );
    },
  },
  {
    pattern: DENIED_BY_POLICY,
    make: (match, { raw }) =>
      new BuildError(
        "base_image_unavailable",
        `The image "${match[1]}" belongs to another workspace: a build may only use its own workspace's images from Slipway's registry.`,
        {
          hint: "Use a public base image, or one this workspace built (its images are under the same path as this app's).",
          raw,
        },
      ),
  },
  {
    pattern: /failed to resolve source metadata for (\S+?):? |pull access denied for (\S+?),/i,
    make: (match, { raw }) =>
      new BuildError(
        "base_image_unavailable",
        `The base image "${match[1] ?? match[2]}" could not be found or pulled.`,
        {
          hint: "Check the FROM line's image name and tag, and that the registry is reachable and grants pull access.",
          raw,
        },
      ),
  },
  {
    pattern:
      /failed to push|push access denied|unexpected status from (?:PUT|POST|HEAD)|exporting to image|pushing layers|failed to export image|error writing (?:layer|manifest) blob/i,
    make: (_, { raw, summary }) => pushFailed(raw, summary),
  },
  {
    // The failing step is the export itself, whatever the registry answered.
    pattern: /[\s\S]*/,
    when: ({ evidence }) => /export|push/i.test(evidence.failedStep?.name ?? ""),
    make: (_, { raw, summary }) => pushFailed(raw, summary),
  },
  {
    pattern:
      /connection refused|no such file or directory|failed to dial|connection error|deadline exceeded|Unavailable/i,
    when: ({ evidence }) => !evidence.anyStepStarted,
    make: (_, { raw, summary }) =>
      new BuildError("builder_unavailable", `BuildKit could not be reached: ${summary}`, {
        hint: "Check that buildkitd is running and SLIPWAY_BUILDKIT_ADDR points at it.",
        raw,
      }),
  },
];

function pushFailed(raw: string, summary: string): BuildError {
  return new BuildError(
    "registry_push_failed",
    `The image was built but could not be pushed: ${summary}`,
    {
      hint: "Check the registry address, that BuildKit can reach it, and its credentials (SLIPWAY_REGISTRY_DOCKER_CONFIG).",
      raw,
    },
  );
}

/**
 * Maps a failed build to a stable code and a message that says what to do; the raw output is kept
 * in details.raw. Rules are tried in order, first match wins.
 */
export function classifyFailure(evidence: FailureEvidence): BuildError {
  const raw = [evidence.failedStep?.error, evidence.stderr].filter(Boolean).join("\n");
  const summary =
    mainErrorLine(evidence.stderr) ||
    evidence.failedStep?.error ||
    `buildctl exited with ${evidence.exitCode}`;
  const context: Context = {
    raw,
    summary,
    evidence,
    logTail: evidence.failedStep?.logTail.slice(-LOG_TAIL_SHOWN) ?? [],
  };
  for (const rule of rules) {
    if (rule.when && !rule.when(context)) continue;
    const match = rule.pattern.exec(raw);
    if (match) return rule.make(match, context);
  }
  return new BuildError("unknown", `The build failed: ${summary}`, {
    hint: "The raw BuildKit output is attached to the build log.",
    ...(context.logTail.length ? { logTail: context.logTail } : {}),
    raw,
  });
}
