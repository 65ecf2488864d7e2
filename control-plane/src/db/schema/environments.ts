import {
  type EnvironmentBuild,
  type EnvironmentRegion,
  type EnvironmentRuntime,
  slugPatternSql,
} from "@slipway/shared";
import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { appRef } from "./apps.js";
import { createdAt, updatedAt } from "./columns.js";
import { projectRef } from "./projects.js";
import { workspaceRef } from "./workspaces.js";

export const environments = pgTable(
  "environments",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    projectId: projectRef(),
    appId: appRef(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    kind: text("kind", { enum: ["production", "preview"] }).notNull(),
    deleteProtection: boolean("delete_protection").notNull().default(false),
    runtime: jsonb("runtime").$type<EnvironmentRuntime>().notNull(),
    build: jsonb("build").$type<EnvironmentBuild>().notNull(),
    regions: jsonb("regions").$type<EnvironmentRegion[]>().notNull(),
    /**
     * The environment's stable name under the preview domain: it answers with the app's current
     * deployment, so it follows promote and rollback. Written by the rollout core
     * (`deployments/stable-hostname.ts`); unique, so no two environments ever share it.
     */
    hostname: text("hostname"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("environments_app_slug_unique").on(table.appId, table.slug),
    index("environments_workspace_idx").on(table.workspaceId),
    uniqueIndex("environments_hostname_unique").on(table.hostname),
    check("environments_slug_dns_label", sql.raw(`slug ~ '${slugPatternSql}'`)),
    check("environments_kind", sql`kind in ('production', 'preview')`),
  ],
);

export type EnvironmentRow = typeof environments.$inferSelect;

/** The column by which another table belongs to a row of this one; deleting the owner deletes it. */
export const environmentRef = () =>
  text("environment_id")
    .notNull()
    .references(() => environments.id, { onDelete: "cascade" });
