import { ConfigError } from "./config.js";

/**
 * Runs a process's main function: a config error prints its message (which names every bad
 * variable), anything else its stack; either way the process exits 1.
 */
export function runEntrypoint(main: () => Promise<void>, what: string): void {
  main().catch((error) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `slipway: ${error.message}\n`
        : `slipway: ${what} failed to start: ${error?.stack ?? error}\n`,
    );
    process.exit(1);
  });
}

/** On SIGINT or SIGTERM, once: run `stop` (drain work, close connections), then exit 0. */
export function stopOnSignal(stop: () => Promise<void>): void {
  const shutdown = async () => {
    await stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}
