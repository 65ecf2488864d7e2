import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  type EnvironmentBuild,
  type EnvironmentRegion,
  type EnvironmentRuntime,
  slugPatternSql,
} from "@slipway/shared";
import { apps } from "./apps.js";
import { createdAt, updatedAt } from "./columns.js";
import { projects } from "./projects.js";
import { workspaces } from "./workspaces.js";

export const environments = pgTable(
  "environments",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    kind: text("kind", { enum: ["production", "preview"] }).notNull(),
    deleteProtection: boolean("delete_protection").notNull().default(false),
    runtime: jsonb("runtime").$type<EnvironmentRuntime>().notNull(),
    build: jsonb("build").$type<EnvironmentBuild>().notNull(),
    regions: jsonb("regions").$type<EnvironmentRegion[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("environments_app_slug_unique").on(table.appId, table.slug),
    index("environments_workspace_idx").on(table.workspaceId),
    check("environments_slug_dns_label", sql.raw(`slug ~ '${slugPatternSql}'`)),
    check("environments_kind", sql`kind in ('production', 'preview')`),
  ],
);

export type EnvironmentRow = typeof environments.$inferSelect;
