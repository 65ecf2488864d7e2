import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { githubDeliveries } from "../db/schema/index.js";
import type { JobQueues } from "../jobs/queues.js";

/** A verified delivery, its payload still the exact text GitHub signed. */
export interface IncomingDelivery {
  id: string;
  event: string;
  action: string | null;
  installationId: string | null;
  payloadText: string;
  receivedAt: Date;
}

export interface DeliveryIntake {
  /**
   * Resolves once the delivery is committed (fsync'd) and its job enqueued; `duplicate` when
   * a delivery with this id was stored before (GitHub redelivered it).
   */
  store(delivery: IncomingDelivery): Promise<{ duplicate: boolean }>;
}

interface Waiting {
  delivery: IncomingDelivery;
  resolve(result: { duplicate: boolean }): void;
  reject(error: unknown): void;
}

/**
 * Group commit for webhook deliveries. A delivery arriving while fewer than `maxInFlight`
 * writes are running is written at once, alone; deliveries arriving while all of them run
 * wait for the next free one and go together: one multi-row INSERT (one WAL flush) and one
 * Redis round trip for the lot. An idle server so adds no wait, and a burst costs a handful of
 * commits instead of one per delivery, so intake keeps up when the CPU is scarce instead of
 * queueing for the pool. Nobody is answered before their row is committed and their job is in
 * Redis: a 202 still means "stored durably and queued".
 */
export function createDeliveryIntake(deps: {
  db: Database;
  queues: Pick<JobQueues, "enqueueMany">;
  maxInFlight?: number;
  maxBatch?: number;
}): DeliveryIntake {
  const maxInFlight = deps.maxInFlight ?? 4;
  const maxBatch = deps.maxBatch ?? 100;
  const waiting: Waiting[] = [];
  let inFlight = 0;

  // One delivery at a time is the common case: that statement is built once and prepared on
  // each connection, so it costs no query building or planning. Batches are built per batch.
  const insertOne = deps.db
    .insert(githubDeliveries)
    .values({
      id: sql.placeholder("id"),
      event: sql.placeholder("event"),
      action: sql.placeholder("action"),
      installationId: sql.placeholder("installationId"),
      payload: sql`${sql.placeholder("payloadText")}::jsonb`,
      receivedAt: sql.placeholder("receivedAt"),
    })
    .onConflictDoNothing()
    .returning({ id: githubDeliveries.id })
    .prepare("insert_github_delivery");

  const insert = async (batch: readonly IncomingDelivery[]): Promise<Set<string>> => {
    if (batch.length === 1) {
      const rows = await insertOne.execute({ ...batch[0]! });
      return new Set(rows.map((row) => row.id));
    }
    const rows = await deps.db
      .insert(githubDeliveries)
      .values(
        batch.map((delivery) => ({
          id: delivery.id,
          event: delivery.event,
          action: delivery.action,
          installationId: delivery.installationId,
          // The signed text, cast by PostgreSQL: no second JSON.stringify, and numbers
          // beyond 2^53 keep every digit GitHub sent.
          payload: sql`${delivery.payloadText}::jsonb`,
          receivedAt: delivery.receivedAt,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: githubDeliveries.id });
    return new Set(rows.map((row) => row.id));
  };

  const write = async (batch: Waiting[]): Promise<void> => {
    const deliveries = batch.map((entry) => entry.delivery);
    let inserted: Set<string>;
    try {
      inserted = await insert(deliveries);
    } catch (error) {
      // One row PostgreSQL refuses must not fail the others: write them one by one.
      if (batch.length === 1) throw error;
      await Promise.all(batch.map((entry) => write([entry]).catch(entry.reject)));
      return;
    }
    // Enqueue on redelivery too: the job id de-duplicates, and a delivery stored just before
    // a crash still gets processed.
    const ids = [...new Set(deliveries.map((delivery) => delivery.id))];
    await deps.queues.enqueueMany(
      ids.map((deliveryId) => ({ name: "github.delivery", data: { deliveryId } })),
    );
    for (const entry of batch) {
      // The same id twice in one batch: the first one stored it, the second is the duplicate.
      const first = inserted.delete(entry.delivery.id);
      entry.resolve({ duplicate: !first });
    }
  };

  const flush = (): void => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      inFlight++;
      write(batch)
        .catch((error) => {
          for (const entry of batch) entry.reject(error);
        })
        .finally(() => {
          inFlight--;
          flush();
        });
    }
  };

  return {
    store(delivery) {
      return new Promise((resolve, reject) => {
        waiting.push({ delivery, resolve, reject });
        flush();
      });
    },
  };
}
