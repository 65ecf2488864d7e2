import { integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

/**
 * The one comment Slipway keeps on a pull request (a table of the workspace's apps and their
 * previews), so every push edits it in place instead of adding another.
 */
export const pullRequestComments = pgTable(
  "pull_request_comments",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    installationId: text("installation_id").notNull(),
    /** `owner/name`, lower case. */
    repository: text("repository").notNull(),
    pullRequestNumber: integer("pull_request_number").notNull(),
    /** GitHub's issue comment id; null until the comment is first written. */
    commentId: text("comment_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("pull_request_comments_unique").on(
      table.workspaceId,
      table.repository,
      table.pullRequestNumber,
    ),
  ],
);

export type PullRequestCommentRow = typeof pullRequestComments.$inferSelect;
