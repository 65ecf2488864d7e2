import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { isPidAlive } from "@slipway/shared/processes";
import { Unkey } from "@unkey/api";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "slipway-local-"));
chmodSync(dataDir, 0o755);
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `npm start`'s entry point and waits for the lines it prints when ready. */
async function startLocal(port: number, extraArgs: string[] = []) {
  // Sentinel's default 8080 may be taken on a test machine.
  const sentinelPort = await findFreePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/local/main.ts", ...extraArgs], {
    cwd: join(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      SLIPWAY_DATA_DIR: dataDir,
      PORT: String(port),
      SENTINEL_PORT: String(sentinelPort),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
    const check = setInterval(() => {
      if (output.includes("Root key:")) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
}

/** PostgreSQL, Redis and every process `npm start` recorded (registry, buildkitd, operator, Sentinel). */
function serverPids(): number[] {
  const pids: number[] = [];
  try {
    const record = JSON.parse(readFileSync(join(dataDir, "processes.json"), "utf8")) as {
      processes: { pid: number }[];
    };
    pids.push(...record.processes.map((entry) => entry.pid));
  } catch {}
  for (const file of ["postgres/pgdata/postmaster.pid", "redis/redis.pid"]) {
    try {
      pids.push(Number(readFileSync(join(dataDir, file), "utf8").split("\n")[0]));
    } catch {}
  }
  return pids;
}

describe("npm start", () => {
  it("prints a working root key, keeps data across a restart and leaves nothing running", async () => {
    const port = await findFreePort();
    const first = await startLocal(port);
    const rootKey = /Root key:\s+(sw_root_\S+)/.exec(first.output())![1]!;
    expect(first.output()).toContain(`http://127.0.0.1:${port}`);

    const sdk = new Unkey({ rootKey, serverURL: `http://127.0.0.1:${port}` });
    await sdk.projects.createProject({ name: "Kept", slug: "kept" });
    await sdk.apps.createApp({ project: "kept", name: "Web", slug: "web" });
    await sdk.environments.setEnvironmentVariables({
      project: "kept",
      app: "web",
      environment: "production",
      variables: [{ key: "GREETING", value: "hello", kind: "recoverable" }],
    });
    const pidsWhileRunning = serverPids();
    expect(pidsWhileRunning.every(isPidAlive)).toBe(true);
    await stop(first.child);
    expect(pidsWhileRunning.filter(isPidAlive)).toEqual([]);

    const second = await startLocal(port);
    expect(second.output()).not.toMatch(/sw_root_/);
    const variables = await sdk.environments.listEnvironmentVariables({
      project: "kept",
      app: "web",
      environment: "production",
    });
    expect(variables.data.map((v) => [v.key, v.value])).toEqual([["GREETING", "hello"]]);

    // A start that dies without cleaning up leaves servers behind; the next start replaces them.
    second.child.kill("SIGKILL");
    await new Promise((resolve) => second.child.once("exit", resolve));
    const orphans = serverPids();
    expect(orphans.length).toBeGreaterThanOrEqual(6);
    expect(orphans.every(isPidAlive)).toBe(true);
    const third = await startLocal(port, ["--new-root-key"]);
    expect(orphans.filter(isPidAlive)).toEqual([]);
    const reissued = /Root key:\s+(sw_root_\S+)/.exec(third.output())![1]!;
    expect(reissued).not.toBe(rootKey);
    for (const key of [rootKey, reissued]) {
      const client = new Unkey({ rootKey: key, serverURL: `http://127.0.0.1:${port}` });
      const again = await client.projects.getProject({ project: "kept" });
      expect(again.data.name).toBe("Kept");
    }
    const thirdPids = serverPids();
    await stop(third.child);
    expect(thirdPids.filter(isPidAlive)).toEqual([]);
  }, 180_000);
});
