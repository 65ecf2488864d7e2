import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { apps } from "./apps.js";
import { createdAt, updatedAt } from "./columns.js";
import { environments } from "./environments.js";
import { projects } from "./projects.js";
import { workspaces } from "./workspaces.js";

export const domainStatuses = ["pending", "verifying", "verified", "failed"] as const;
export type DomainStatus = (typeof domainStatuses)[number];

export const domains = pgTable(
  "domains",
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
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    /** Canonical form: lowercase ASCII, Unicode labels Punycode-encoded. */
    domain: text("domain").notNull(),
    /** True for a registrable domain itself (acme.com), which cannot hold a CNAME. */
    isApex: boolean("is_apex").notNull(),
    status: text("status").$type<DomainStatus>().notNull(),
    verificationToken: text("verification_token").notNull(),
    verificationError: text("verification_error"),
    routingVerified: boolean("routing_verified").notNull().default(false),
    ownershipVerified: boolean("ownership_verified").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("domains_workspace_domain_unique").on(table.workspaceId, table.domain),
    index("domains_environment_idx").on(table.environmentId, table.id),
    check(
      "domains_status",
      sql.raw(`status in (${domainStatuses.map((s) => `'${s}'`).join(", ")})`),
    ),
  ],
);

export type DomainRow = typeof domains.$inferSelect;
