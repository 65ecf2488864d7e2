import { timestamp } from "drizzle-orm/pg-core";

/** Timestamps are timestamptz in the database and Unix milliseconds on the wire. */
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true });
