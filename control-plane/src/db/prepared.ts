import type { Database } from "./client.js";

/**
 * A statement built once per database and prepared by name on each connection: drizzle builds
 * no SQL for it again, and PostgreSQL parses and plans it once per connection instead of on
 * every call. For statements on the hot path of every webhook delivery; outside a transaction
 * only, as a prepared statement runs on the pool.
 */
export function preparedStatement<Statement>(
  build: (db: Database) => Statement,
): (db: Database) => Statement {
  const byDatabase = new WeakMap<Database, Statement>();
  return (db) => {
    let statement = byDatabase.get(db);
    if (!statement) {
      statement = build(db);
      byDatabase.set(db, statement);
    }
    return statement;
  };
}
