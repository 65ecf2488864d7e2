import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { deployments } from "./deployments.js";
import { workspaceRef } from "./workspaces.js";

export const deploymentStepStatuses = [
  "running",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type DeploymentStepStatus = (typeof deploymentStepStatuses)[number];

/** One stage of a deployment (queue, build, deploy, …) with its timings and its first error. */
export const deploymentSteps = pgTable(
  "deployment_steps",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status").$type<DeploymentStepStatus>().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** First write wins: a later failure never hides the one that caused it. */
    errorMessage: text("error_message"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("deployment_steps_deployment_name_unique").on(table.deploymentId, table.name),
    check(
      "deployment_steps_status",
      sql.raw(`status in (${deploymentStepStatuses.map((s) => `'${s}'`).join(", ")})`),
    ),
  ],
);

export type DeploymentStepRow = typeof deploymentSteps.$inferSelect;
