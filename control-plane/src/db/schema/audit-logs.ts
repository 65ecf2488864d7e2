import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

/** One row per mutation: who did what to which object, and under which request. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    actorType: text("actor_type").$type<"root_key" | "system" | "github" | "sentinel">().notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    requestId: text("request_id"),
    /** Non-secret facts about the change (names of changed fields, never values of env vars). */
    context: jsonb("context").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [index("audit_logs_workspace_idx").on(table.workspaceId, table.id)],
);

export type AuditLogRow = typeof auditLogs.$inferSelect;
