import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { goCandidates } from "@slipway/shared/go-build";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";

const run = promisify(execFile);

/** Oldest Go that understands `tool` directives and can switch to the wrappers' toolchain itself. */
export const MIN_GO = { major: 1, minor: 24 };

export function parseGoVersion(output: string): { major: number; minor: number } | undefined {
  const match = /go(\d+)\.(\d+)/.exec(output);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Returns the path of a usable go binary or throws one message naming what to install. */
export async function findGo(
  env: NodeJS.ProcessEnv = process.env,
  wellKnown?: string[],
): Promise<string> {
  for (const candidate of goCandidates(env, wellKnown)) {
    if (!existsSync(candidate)) continue;
    const { stdout } = await run(candidate, ["version"], { env: { ...env, GOTOOLCHAIN: "local" } });
    const version = parseGoVersion(stdout);
    if (
      version &&
      (version.major > MIN_GO.major ||
        (version.major === MIN_GO.major && version.minor >= MIN_GO.minor))
    ) {
      return candidate;
    }
    throw new MissingPrerequisiteError(
      `Go ${MIN_GO.major}.${MIN_GO.minor} or newer is needed to build the Kubernetes binaries, but ${candidate} is "${stdout.trim()}". Install a current Go from https://go.dev/dl/ (or set SLIPWAY_GO to its go binary).`,
    );
  }
  throw new MissingPrerequisiteError(
    `The Go toolchain is needed to build the Kubernetes binaries once, and no "go" was found on PATH or in /usr/local/go/bin. Install Go ${MIN_GO.major}.${MIN_GO.minor}+ from https://go.dev/dl/ (or set SLIPWAY_GO to its go binary).`,
  );
}

/** The certificates are made with openssl; Debian/Ubuntu: apt-get install openssl. */
export async function requireOpenssl(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await run("openssl", ["version"], { env });
    return stdout.trim();
  } catch {
    throw new MissingPrerequisiteError(
      'openssl is needed to make the cluster certificates and was not found on PATH. Install it (Debian/Ubuntu: "apt-get install openssl", macOS: "brew install openssl").',
    );
  }
}

/**
 * Real nodes (kubelet + containerd, a follow-up) mount, create cgroups and run containers,
 * which needs root. kwok nodes do not, so `cluster:up` only calls this for real nodes.
 */
export function requireRoot(forWhat: string): void {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new MissingPrerequisiteError(
      `${forWhat} needs root. Run the command as root (e.g. "sudo -E npm run cluster:up").`,
    );
  }
}
