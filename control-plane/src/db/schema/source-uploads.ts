import { customType, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { environmentRef } from "./environments.js";
import { workspaceRef } from "./workspaces.js";

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * A source tree uploaded for a CLI deploy (`deployments.createDeploymentFromSource`): the
 * tarball as sent, kept until its deployment's build has ended (on any worker, retries
 * included), then deleted; a workspace's stored uploads count against its upload quota.
 */
export const sourceUploads = pgTable(
  "source_uploads",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    environmentId: environmentRef(),
    sha256: text("sha256").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    content: bytea("content").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("source_uploads_workspace_idx").on(table.workspaceId)],
);

export type SourceUploadRow = typeof sourceUploads.$inferSelect;
