import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { Database } from "./client.js";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * The session-level advisory lock every migrate run holds ("slipway-migrations" as a number):
 * a Helm hook Job retried while its first pod still runs, two `npm run migrate`, or an upgrade
 * racing a local start all apply the migrations one after the other, never at once.
 */
export const MIGRATION_LOCK_KEY = 0x736c_6970_6d69_67n;

/**
 * Applies every generated SQL migration not yet applied; safe to run on every start and from
 * several processes at once (the second waits for the lock, then finds nothing to do).
 * drizzle's migrator runs on the one connection that holds the lock: a session lock belongs to
 * its connection, and the pool would hand other statements other connections.
 */
export async function runMigrations(db: Database): Promise<void> {
  const connection = await db.$client.connect();
  try {
    await connection.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      await migrate(drizzle(connection), { migrationsFolder });
    } finally {
      await connection.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    }
    connection.release();
  } catch (error) {
    // A connection whose lock state is unknown never goes back to the pool.
    connection.release(error instanceof Error ? error : true);
    throw error;
  }
}
