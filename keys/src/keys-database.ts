import type { NodePgDatabase } from "drizzle-orm/node-postgres";

/**
 * A database or a transaction (the caller's, so its audit row commits with the change), of any
 * drizzle schema that includes the keys tables.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema that includes these tables.
export type KeysDatabase = Pick<NodePgDatabase<any>, "select" | "insert" | "update" | "delete">;
