import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Starts a stack script (relative to the repository) as a child, waits for its `STACK {json}`
 * line, writes that JSON to `infoFile` for the specs, and returns the stop function a
 * Playwright global setup returns.
 */
export async function startStackProcess(input: {
  script: string;
  infoFile: string;
  readyWithinMs: number;
}): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ["--import", "tsx", input.script], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "inherit"],
    env: process.env,
  });
  const stop = async (graceMs: number) => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  let line: string;
  try {
    line = await firstStackLine(child, input.readyWithinMs);
  } catch (error) {
    await stop(60_000);
    throw error;
  }
  mkdirSync(dirname(input.infoFile), { recursive: true });
  writeFileSync(input.infoFile, line);
  // The platform stack stops a whole cluster and its real node: give it the time that takes.
  return () => stop(90_000);
}

function firstStackLine(child: ChildProcess, withinMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`the test stack did not start within ${withinMs / 1000} s`)),
      withinMs,
    );
    lines.on("line", (text) => {
      if (text.startsWith("STACK ")) {
        clearTimeout(timer);
        resolve(text.slice("STACK ".length));
      } else {
        // Anything else the stack prints is progress: show it with the suite's output.
        process.stderr.write(`${text}\n`);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the test stack exited with ${code} before it was ready`));
    });
  });
}
