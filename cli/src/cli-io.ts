/** Somewhere text goes: a terminal (`isTTY`, `columns`) or a pipe. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TextSource extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on?(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  off?(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  pause?(): unknown;
  resume?(): unknown;
}

/**
 * Everything a command touches outside itself, passed in once by `main` (the process's real
 * streams, environment, clock and fetch), so tests run commands in-process with their own.
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: TextSource;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now(): number;
  sleep(milliseconds: number): Promise<void>;
  fetch: typeof fetch;
}
