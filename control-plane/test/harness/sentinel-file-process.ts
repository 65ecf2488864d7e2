import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";

/**
 * `npm run sentinel` as its own process, configured by a JSON config file (routes, policies and
 * static instances), its JSON log lines collected. Killed when the file ends.
 */
export async function startSentinelProcess(options: {
  configFile: string;
  config: unknown;
  env: Record<string, string>;
}): Promise<{
  url: string;
  port: number;
  logLines: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}> {
  writeFileSync(options.configFile, JSON.stringify(options.config));
  const port = await findFreePort();
  const logLines: Array<Record<string, unknown>> = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(import.meta.dirname, "../../../sentinel"),
    env: {
      PATH: process.env.PATH ?? "",
      SLIPWAY_REGION: "eu-1",
      SENTINEL_HOST: "127.0.0.1",
      SENTINEL_PORT: String(port),
      // Several Sentinels run at once (and the default admin port may be taken): never 9090.
      SENTINEL_ADMIN_HOST: "127.0.0.1",
      SENTINEL_ADMIN_PORT: String(await findFreePort()),
      SENTINEL_CONFIG_FILE: options.configFile,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  onHarnessTeardown(stop);
  let buffered = "";
  const listening = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`sentinel exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          logLines.push(parsed);
          if (parsed.msg === "sentinel listening") resolve();
        } catch {
          logLines.push({ raw: line });
        }
      }
    });
  });
  await listening;
  return { url: `http://127.0.0.1:${port}`, port, logLines, stop };
}
