import type { RequestLogRecord, RequestLogSink } from "@slipway/shared/gateway";

export interface LogBatcherOptions {
  maxBatch?: number;
  flushIntervalMs?: number;
  /** Records held while the sink is slow; past this, new records are dropped and counted. */
  maxQueued?: number;
  onError?: (error: unknown, dropped: number) => void;
}

/**
 * Takes records on the request path without waiting and writes them in batches. When the sink
 * fails, the batch is dropped and counted (requests keep flowing; `dropped` is the metric).
 */
export class LogBatcher {
  private queue: Array<RequestLogRecord | (() => RequestLogRecord)> = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  dropped = 0;
  written = 0;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueued: number;

  constructor(
    private readonly sink: RequestLogSink,
    private readonly options: LogBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxQueued = options.maxQueued ?? 50_000;
  }

  /**
   * A record, or a function that builds it: then it is built when its batch is written, off
   * the request path (what it reads must not change after the request).
   */
  push(record: RequestLogRecord | (() => RequestLogRecord)): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped += 1;
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.maxBatch && !this.writing) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref();
  }

  /** Writes everything queued; resolves when the sink has answered. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    while (this.queue.length > 0) {
      const batch = this.queue
        .splice(0, this.maxBatch)
        .map((entry) => (typeof entry === "function" ? entry() : entry));
      this.writing = this.sink.write(batch).then(
        () => {
          this.written += batch.length;
        },
        (error: unknown) => {
          this.dropped += batch.length;
          this.options.onError?.(error, batch.length);
        },
      );
      await this.writing;
      this.writing = undefined;
    }
  }
}
