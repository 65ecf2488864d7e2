import { sql } from "drizzle-orm";
import { bigint, check, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { deployments } from "./deployments.js";
import { workspaceRef } from "./workspaces.js";

export const deploymentLogStreams = ["stdout", "stderr", "system"] as const;
export type DeploymentLogStream = (typeof deploymentLogStreams)[number];

/**
 * The log of a deployment (build output and Slipway's own lines), in order: `seq` is dense per
 * deployment, so a reader pages with "after seq N" while the build is still writing.
 */
export const deploymentLogs = pgTable(
  "deployment_logs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspaceRef(),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** The deployment step (`build`, `deploy`, …) the line belongs to. */
    step: text("step").notNull(),
    stream: text("stream").$type<DeploymentLogStream>().notNull(),
    line: text("line").notNull(),
  },
  (table) => [
    uniqueIndex("deployment_logs_deployment_seq_unique").on(table.deploymentId, table.seq),
    check(
      "deployment_logs_stream",
      sql.raw(`stream in (${deploymentLogStreams.map((s) => `'${s}'`).join(", ")})`),
    ),
  ],
);

export type DeploymentLogRow = typeof deploymentLogs.$inferSelect;
