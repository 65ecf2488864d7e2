import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/local/main.ts", import.meta.url));

export interface PlatformRun {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the summary once every service answers; rejects if the process exits first. */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

/** `npm start`'s entry point as its own process, as a user runs it (minus npm's wrapper). */
export function startPlatform(env: Record<string, string>): PlatformRun {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("Ctrl-C stops everything.")) resolve(text);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}):\n${text}`)));
  });
  return { child, output: () => text, ready, exited };
}

/** The value printed after `label` in the summary, e.g. `API:` → the URL. */
export function summaryValue(summary: string, label: string): string {
  const line = summary.split("\n").find((entry) => entry.startsWith(label));
  if (!line) throw new Error(`no "${label}" line in:\n${summary}`);
  return line.slice(label.length).trim().split(/\s+/)[0]!;
}
