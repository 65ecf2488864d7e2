import type pg from "pg";
import { type PartitionPlan, type PartitionPolicy, planPartitions } from "./partition-plan.js";

/** Any two processes running maintenance agree on this key; the loser skips its turn. */
const advisoryLockKey = "slipway:request_logs:partitions";

export interface MaintenanceResult {
  /** False when another process held the lock (it is doing the same work). */
  ran: boolean;
  created: string[];
  dropped: string[];
}

/**
 * Creates the coming days' partitions and drops those past retention, in one transaction
 * under an advisory lock: safe to run from every process, as often as wanted (a second run
 * finds nothing to do). Short lock and statement timeouts: a long report holding the parent
 * table makes this wait for the next run instead of queueing Sentinel's inserts behind it.
 */
export async function maintainRequestLogPartitions(
  pool: pg.Pool,
  nowMs: number,
  policy: PartitionPolicy,
): Promise<MaintenanceResult> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("set local lock_timeout = '5s'");
    await client.query("set local statement_timeout = '30s'");
    const lock = await client.query<{ locked: boolean }>(
      "select pg_try_advisory_xact_lock(hashtext($1)) as locked",
      [advisoryLockKey],
    );
    if (!lock.rows[0]?.locked) {
      await client.query("rollback");
      return { ran: false, created: [], dropped: [] };
    }
    const existing = await client.query<{ name: string }>(
      `select child.relname as name from pg_inherits
         join pg_class child on child.oid = pg_inherits.inhrelid
        where pg_inherits.inhparent = 'request_logs'::regclass`,
    );
    const plan: PartitionPlan = planPartitions(
      existing.rows.map((row) => row.name),
      nowMs,
      policy,
    );
    // Names and bounds come from planPartitions (digits and ISO timestamps), never from input.
    for (const partition of plan.create) {
      await client.query(
        `create table if not exists ${partition.name} partition of request_logs
           for values from ('${partition.from}') to ('${partition.to}')`,
      );
    }
    for (const name of plan.drop) await client.query(`drop table if exists ${name}`);
    await client.query("commit");
    return { ran: true, created: plan.create.map((p) => p.name), dropped: plan.drop };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs maintenance now and then every `intervalMs` (default hourly); returns the stop function.
 * Failures are reported and retried at the next tick: with days created ahead, a missed run
 * costs nothing.
 */
export function startRequestLogPartitionMaintenance(options: {
  pool: pg.Pool;
  policy: PartitionPolicy;
  clock: () => number;
  intervalMs?: number;
  onError: (error: unknown) => void;
  onResult?: (result: MaintenanceResult) => void;
}): () => void {
  const run = () =>
    maintainRequestLogPartitions(options.pool, options.clock(), options.policy).then(
      (result) => options.onResult?.(result),
      options.onError,
    );
  void run();
  const timer = setInterval(run, options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
