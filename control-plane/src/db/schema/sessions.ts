import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { rootKeys } from "./root-keys.js";
import { workspaceRef } from "./workspaces.js";

/**
 * A browser's sign-in to the dashboard (issue 17). The cookie holds a random token; only its
 * SHA-256 is stored. A session made with a root key acts as that key, read live on every
 * request (its permissions now; revoking or deleting the key ends the session). One made by
 * GitHub sign-in carries the GitHub user and the permissions it was granted.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    rootKeyId: text("root_key_id").references(() => rootKeys.id, { onDelete: "cascade" }),
    githubUserId: text("github_user_id"),
    githubLogin: text("github_login"),
    /** Permissions of a GitHub session; a root-key session uses its key's. */
    permissions: text("permissions").array(),
    /** Hex SHA-256 of the cookie's token. */
    tokenHash: text("token_hash").notNull(),
    /** The value the dashboard sends back as `X-Slipway-CSRF`; useless without the cookie. */
    csrfSecret: text("csrf_secret").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("sessions_token_hash_unique").on(table.tokenHash),
    index("sessions_workspace_idx").on(table.workspaceId, table.createdAt),
    check(
      "sessions_one_principal",
      sql`(${table.rootKeyId} is not null and ${table.githubUserId} is null and ${table.permissions} is null)
        or (${table.rootKeyId} is null and ${table.githubUserId} is not null and ${table.githubLogin} is not null and ${table.permissions} is not null)`,
    ),
  ],
);

export type SessionRow = typeof sessions.$inferSelect;

/**
 * The `state` nonces of GitHub sign-ins that have come back: a callback whose nonce is here
 * already is a replay. Rows are dropped once their state has expired.
 */
export const githubSignInStates = pgTable(
  "github_sign_in_states",
  {
    nonce: text("nonce").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("github_sign_in_states_expires_idx").on(table.expiresAt)],
);
