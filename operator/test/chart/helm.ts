import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { acquireLock, findGo, makeGoEnv, readSettings } from "@slipway/testbed";

const run = promisify(execFile);

/** Must match the `require helm.sh/helm/v3` line of operator/tools/helm/go.mod. */
export const HELM_VERSION = "v3.22.0";
const WRAPPER_DIR = fileURLToPath(new URL("../../tools/helm", import.meta.url));
export const CHART_DIR = fileURLToPath(new URL("../../../charts/slipway", import.meta.url));

/**
 * The pinned helm CLI, built once from its Go module into the testbed's cache
 * (~/.cache/slipway/helm-v3.22.0/helm) like the Kubernetes binaries: about 3 minutes cold on
 * two cores, nothing afterwards. A lock lets parallel test files share one build.
 */
export async function ensureHelm(log: (line: string) => void = console.log): Promise<string> {
  const { cacheDir } = readSettings(process.env);
  const dir = join(cacheDir, `helm-${HELM_VERSION}`);
  const binary = join(dir, "helm");
  if (existsSync(binary)) return binary;
  await mkdir(cacheDir, { recursive: true });
  const lock = await acquireLock(join(cacheDir, "helm-build.lock"), { timeoutMs: 30 * 60_000 });
  try {
    if (existsSync(binary)) return binary;
    const go = await findGo();
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    log(`building helm ${HELM_VERSION} from its Go module into ${dir} (about 3 minutes cold)`);
    const started = Date.now();
    await run(
      go,
      [
        "build",
        "-mod=readonly",
        "-trimpath",
        "-ldflags=-s -w",
        "-o",
        join(tmp, "helm"),
        "helm.sh/helm/v3/cmd/helm",
      ],
      { cwd: WRAPPER_DIR, env: makeGoEnv(process.env, 2), maxBuffer: 16 * 1024 * 1024 },
    );
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    log(`built helm in ${Math.round((Date.now() - started) / 1000)} s`);
    return binary;
  } finally {
    await lock.release();
  }
}

/** `helm template` of charts/slipway; returns the rendered YAML. */
export async function helmTemplate(
  helm: string,
  release: string,
  namespace: string,
  values: Record<string, string> = {},
): Promise<string> {
  const sets = Object.entries(values).flatMap(([key, value]) => ["--set", `${key}=${value}`]);
  const { stdout } = await run(
    helm,
    ["template", release, CHART_DIR, "--namespace", namespace, "--include-crds", ...sets],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/** `helm <command> … charts/slipway --set …`; its exit code and output, never a throw. */
export async function helmRun(
  helm: string,
  args: string[],
  values: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const sets = Object.entries(values).flatMap(([key, value]) => ["--set", `${key}=${value}`]);
  return run(helm, [...args, ...sets], { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === "number" ? error.code : 1,
      output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
    }),
  );
}
