import { openPgRequestLogSink } from "@slipway/request-logs";
import type { RequestLogSink } from "@slipway/shared/gateway";

export interface RequestLogOutput {
  /** Where batches go; the LogBatcher in front counts what a failing write dropped. */
  sink: RequestLogSink;
  kind: "postgresql" | "stdout";
  close(): Promise<void>;
}

/** Without a database: one JSON line per request on stdout. */
const stdoutSink: RequestLogSink = {
  async write(records) {
    for (const record of records)
      process.stdout.write(`${JSON.stringify({ requestLog: record })}\n`);
  },
};

/**
 * The request-log store Sentinel writes to: PostgreSQL (the control plane's database, table
 * `request_logs`) when a database is configured, else stdout. Opening never connects: a
 * database that is down at boot only means the first batches are dropped and counted.
 */
export function openRequestLogOutput(databaseUrl: string | undefined): RequestLogOutput {
  if (!databaseUrl) return { sink: stdoutSink, kind: "stdout", close: async () => undefined };
  const store = openPgRequestLogSink(databaseUrl);
  return { sink: store.sink, kind: "postgresql", close: store.close };
}
