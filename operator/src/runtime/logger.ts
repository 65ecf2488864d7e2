export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof levels;

/** One JSON object per line, as log collectors expect. */
export function jsonLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: LogFields = {},
): Logger {
  const emit = (at: LogLevel, msg: string, fields?: LogFields) => {
    if (levels[at] < levels[level]) return;
    const entry: LogFields = { time: new Date().toISOString(), level: at, msg, ...base, ...fields };
    if (entry.err instanceof Error)
      entry.err = { message: entry.err.message, name: entry.err.name };
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => jsonLogger(level, write, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
