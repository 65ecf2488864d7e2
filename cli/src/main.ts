import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "./program.js";

/** The process edge: real streams, environment, clock and fetch. */
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  now: () => Date.now(),
  sleep: (milliseconds) => sleep(milliseconds),
  fetch: globalThis.fetch,
});
