import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { appRef } from "./apps.js";
import { createdAt, updatedAt } from "./columns.js";
import { environmentRef } from "./environments.js";
import { projectRef } from "./projects.js";
import { workspaceRef } from "./workspaces.js";

export const domainStatuses = ["pending", "verifying", "verified", "failed"] as const;
export type DomainStatus = (typeof domainStatuses)[number];

export const domains = pgTable(
  "domains",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    projectId: projectRef(),
    appId: appRef(),
    environmentId: environmentRef(),
    /** Canonical form: lowercase ASCII, Unicode labels Punycode-encoded. */
    domain: text("domain").notNull(),
    /** True for a registrable domain itself (acme.com), which cannot hold a CNAME. */
    isApex: boolean("is_apex").notNull(),
    status: text("status").$type<DomainStatus>().notNull(),
    verificationToken: text("verification_token").notNull(),
    /** Start of the current 24 hour verification window; verifyDomain restarts it. */
    verificationStartedAt: timestamp("verification_started_at", { withTimezone: true }).notNull(),
    verificationError: text("verification_error"),
    routingVerified: boolean("routing_verified").notNull().default(false),
    ownershipVerified: boolean("ownership_verified").notNull().default(false),
    /** When a verified domain's TXT record was last found again; the re-verifier's clock. */
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("domains_workspace_domain_unique").on(table.workspaceId, table.domain),
    // A verified hostname belongs to one workspace: the first to verify it wins, and every
    // other claim of it stays unverified until that one is deleted or loses its records.
    uniqueIndex("domains_verified_domain_unique").on(table.domain).where(sql`status = 'verified'`),
    index("domains_verified_checked_idx").on(table.checkedAt).where(sql`status = 'verified'`),
    index("domains_environment_idx").on(table.environmentId, table.id),
    check(
      "domains_status",
      sql.raw(`status in (${domainStatuses.map((s) => `'${s}'`).join(", ")})`),
    ),
  ],
);

export type DomainRow = typeof domains.$inferSelect;
