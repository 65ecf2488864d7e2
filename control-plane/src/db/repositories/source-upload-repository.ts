import { AppError } from "@slipway/shared";
import { and, eq, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../client.js";
import { deployments, type SourceUploadRow, sourceUploads } from "../schema/index.js";

/** The statuses in which a deployment may still build its uploaded source. */
export const statusesThatNeedTheUpload = ["pending", "starting", "building", "awaiting_approval"];

/**
 * Stores an uploaded source tree within the workspace's quota. Under a per-workspace advisory
 * lock (so two uploads at once cannot both take the last room), uploads no deployment still
 * needs (built, failed, cancelled: a lost clean-up) are deleted first; then the bytes of the
 * ones left plus this one must fit in `quotaBytes`, otherwise 413.
 */
export async function storeSourceUpload(
  tx: DatabaseOrTransaction,
  upload: Omit<SourceUploadRow, "createdAt"> & { createdAt: Date },
  quotaBytes: number,
): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`source-uploads:${upload.workspaceId}`}))`,
  );
  await tx.execute(sql`
    delete from ${sourceUploads}
    where ${sourceUploads.workspaceId} = ${upload.workspaceId}
      and not exists (
        select 1 from ${deployments}
        where ${deployments.sourceUploadId} = ${sourceUploads.id}
          and ${deployments.status} in (${sql.join(
            statusesThatNeedTheUpload.map((status) => sql`${status}`),
            sql`, `,
          )})
      )`);
  const [stored] = await tx
    .select({ bytes: sql<string>`coalesce(sum(${sourceUploads.sizeBytes}), 0)` })
    .from(sourceUploads)
    .where(eq(sourceUploads.workspaceId, upload.workspaceId));
  const storedBytes = Number(stored?.bytes ?? 0);
  if (storedBytes + upload.sizeBytes > quotaBytes) {
    const mib = (bytes: number) =>
      bytes < 1024 ** 2
        ? `${(bytes / 1024).toFixed(1)} KiB`
        : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
    throw new AppError(
      "payload_too_large",
      `The workspace's uploads waiting to be built (${mib(storedBytes)}) and this one (${mib(upload.sizeBytes)}) exceed its quota of ${mib(quotaBytes)}. Wait for queued builds to finish, or cancel them.`,
    );
  }
  await tx.insert(sourceUploads).values(upload);
}

/** An upload is deleted as soon as its deployment's build has ended, whatever the outcome. */
export async function deleteSourceUpload(
  db: DatabaseOrTransaction,
  ids: { workspaceId: string; id: string },
): Promise<void> {
  await db
    .delete(sourceUploads)
    .where(and(eq(sourceUploads.id, ids.id), eq(sourceUploads.workspaceId, ids.workspaceId)));
}
