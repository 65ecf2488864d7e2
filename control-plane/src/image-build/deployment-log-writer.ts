import { eq, max } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { type DeploymentLogStream, deploymentLogs } from "../db/schema/index.js";

/** Longest line kept; the rest is cut with a marker (a minified bundle printed whole is no log). */
export const MAX_LOG_LINE = 8 * 1024;
/** Lines kept per deployment; after that one notice, then nothing. */
export const MAX_LOG_LINES = 50_000;
const FLUSH_EVERY_MS = 200;
const FLUSH_AT_LINES = 200;

export interface DeploymentLogWriter {
  write(line: { step: string; stream: DeploymentLogStream; text: string; at: Date }): void;
  /** Writes what is buffered; resolves when it is in the database. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Appends a deployment's log lines in batches, numbering them on from the last stored line, so a
 * retried build continues the log instead of clashing with it. Every line passes `redact` first.
 */
export async function openDeploymentLog(
  db: Database,
  input: { workspaceId: string; deploymentId: string; redact: (line: string) => string },
): Promise<DeploymentLogWriter> {
  const [last] = await db
    .select({ seq: max(deploymentLogs.seq) })
    .from(deploymentLogs)
    .where(eq(deploymentLogs.deploymentId, input.deploymentId));
  let nextSeq = (last?.seq ?? 0) + 1;
  let buffer: Array<typeof deploymentLogs.$inferInsert> = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      writing = writing.then(async () => {
        try {
          await db.insert(deploymentLogs).values(batch).onConflictDoNothing();
        } catch (error) {
          failure ??= error;
        }
      });
    }
    return writing.then(() => {
      if (failure) throw failure;
    });
  };

  return {
    write({ step, stream, text, at }) {
      if (nextSeq > MAX_LOG_LINES + 1) return;
      let line = input.redact(text);
      if (nextSeq === MAX_LOG_LINES + 1) {
        line = `… log truncated: a deployment keeps at most ${MAX_LOG_LINES} lines`;
        stream = "system";
      } else if (line.length > MAX_LOG_LINE) {
        line = `${line.slice(0, MAX_LOG_LINE)} … (line cut at ${MAX_LOG_LINE} characters)`;
      }
      buffer.push({
        workspaceId: input.workspaceId,
        deploymentId: input.deploymentId,
        seq: nextSeq++,
        at,
        step,
        stream,
        line,
      });
      if (buffer.length >= FLUSH_AT_LINES) void flush().catch(() => undefined);
      else timer ??= setTimeout(() => void flush().catch(() => undefined), FLUSH_EVERY_MS);
    },
    flush,
    close: flush,
  };
}
