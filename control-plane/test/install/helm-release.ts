import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
// The pinned helm CLI, built once from its Go module (operator/tools/helm) and cached: the
// chart's owner builds it, this test only runs it.
import { CHART_DIR, ensureHelm } from "../../../operator/test/chart/helm.js";

const run = promisify(execFile);

export interface HelmRelease {
  /** `helm <args>` against the cluster; output of a failure is in the error. */
  helm(args: string[], timeoutMs?: number): Promise<string>;
  /** Writes values (JSON is YAML) to a file for `-f`. */
  valuesFile(name: string, values: unknown): Promise<string>;
  chartDir: string;
}

export async function startHelm(kubeconfig: string): Promise<HelmRelease> {
  const binary = await ensureHelm((line) => console.log(`[helm] ${line}`));
  const dir = await mkdtemp(join(tmpdir(), "slipway-helm-"));
  onHarnessTeardown(() => rm(dir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(dir, "cache"),
    HELM_CONFIG_HOME: join(dir, "config"),
    HELM_DATA_HOME: join(dir, "data"),
  };
  return {
    chartDir: CHART_DIR,
    async helm(args, timeoutMs = 600_000) {
      try {
        const { stdout } = await run(binary, args, {
          env,
          timeout: timeoutMs,
          maxBuffer: 16 * 1024 * 1024,
        });
        return stdout;
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`helm ${args.join(" ")} failed:\n${stderr ?? ""}\n${stdout ?? ""}`, {
          cause: error,
        });
      }
    },
    async valuesFile(name, values) {
      const file = join(dir, `${name}.yaml`);
      await writeFile(file, JSON.stringify(values, null, 2));
      return file;
    },
  };
}
