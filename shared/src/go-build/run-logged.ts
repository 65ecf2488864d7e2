import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/**
 * Runs `go …` (or any long build command) in `cwd` with its output appended to `logFile`, and
 * calls `onHeartbeat` every minute: CI logs need a sign of life during a long compile.
 */
export function runLogged(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  onHeartbeat: (elapsedSeconds: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: "a" });
    out.write(`\n$ (cd ${cwd} && go ${args.join(" ")})\n`);
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const started = Date.now();
    const heartbeat = setInterval(
      () => onHeartbeat(Math.round((Date.now() - started) / 1000)),
      60_000,
    );
    child.on("error", (error) => {
      clearInterval(heartbeat);
      out.end();
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearInterval(heartbeat);
      out.end(() => {
        if (code === 0) resolve();
        else reject(new Error(signal ? `killed by ${signal}` : `exit code ${code}`));
      });
    });
  });
}
