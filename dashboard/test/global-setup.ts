import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stackInfoFile } from "./stack-info.js";

/** Starts test/stack/start-stack.ts and waits for its `STACK {json}` line; stops it at the end. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "dashboard/test/stack/start-stack.ts"],
    {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "inherit"],
      env: process.env,
    },
  );
  const line = await firstStackLine(child);
  mkdirSync(dirname(stackInfoFile), { recursive: true });
  writeFileSync(stackInfoFile, line);
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
}

function firstStackLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error("the test stack did not start within 150 s")),
      150_000,
    );
    lines.on("line", (text) => {
      if (text.startsWith("STACK ")) {
        clearTimeout(timer);
        resolve(text.slice("STACK ".length));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the test stack exited with ${code} before it was ready`));
    });
  });
}
