import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";

/**
 * `npm run worker` as its own process (so a test can SIGKILL it), with `env` on top of this
 * process's environment. Workers still running when the file ends are killed.
 */
export function workerProcesses() {
  const started: ChildProcess[] = [];
  onHarnessTeardown(() => {
    for (const worker of started) if (worker.exitCode === null) worker.kill("SIGKILL");
  });
  return {
    start(env: Record<string, string>): ChildProcess {
      const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
        cwd: join(import.meta.dirname, "../.."),
        env: { ...process.env, LOG_LEVEL: "warn", ...env },
        stdio: ["ignore", "ignore", "inherit"],
      });
      started.push(child);
      return child;
    },
  };
}
