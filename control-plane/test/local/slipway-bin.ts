import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../../cli/bin/slipway.js", import.meta.url));

export interface SlipwayRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The `slipway` CLI as a user runs it: its own process from the repository root, talking to
 * `apiUrl` with `rootKey` (SLIPWAY_URL / SLIPWAY_ROOT_KEY), a config home of its own, stdin
 * given or empty.
 */
export function slipwayBin(credentials: { apiUrl: string; rootKey: string }) {
  const configHome = mkdtempSync(join(tmpdir(), "slipway-cli-home-"));
  return (argv: string[], stdin = ""): Promise<SlipwayRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...argv], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: configHome,
          XDG_CONFIG_HOME: configHome,
          SLIPWAY_URL: credentials.apiUrl,
          SLIPWAY_ROOT_KEY: credentials.rootKey,
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
}
