import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One process `npm start` started, so a later start can stop it if this one was killed. */
export interface RecordedProcess {
  name: string;
  pid: number;
  /** A word of its command line, checked before signalling (a pid may have been reused). */
  command: string;
  /** The address it serves, for people and tests: a URL, host:port or socket. */
  address?: string;
}

export interface ProcessRecord {
  /** `npm start`'s own pid. */
  ownerPid: number;
  processes: RecordedProcess[];
}

export function processRecordFile(dataDir: string): string {
  return join(dataDir, "processes.json");
}

export function readProcessRecord(file: string): ProcessRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ProcessRecord;
  } catch {
    return undefined;
  }
}

/** Written whole after each start (tmp + rename), so a crash never leaves half a file. */
export function writeProcessRecord(file: string, record: ProcessRecord): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
