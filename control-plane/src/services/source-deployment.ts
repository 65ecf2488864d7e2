import { createHash } from "node:crypto";
import { AppError, newId } from "@slipway/shared";
import { sourceUploads } from "../db/schema/index.js";
import { createDeployment } from "../deployments/create-deployment.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import type { ServiceContext } from "./context.js";
import { resolveEnvironment } from "./resolve.js";

/** Pure: is this a tarball the builder can unpack (gzip, or a plain POSIX tar)? */
export function sourceArchiveKind(body: Buffer): "gzip" | "tar" | undefined {
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) return "gzip";
  if (body.length >= 262 && body.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  return undefined;
}

/**
 * `deployments.createDeploymentFromSource` (Slipway): a CLI deploy. The request body is the
 * source tree as a tarball; it is stored, and a queued deployment builds it like a commit.
 */
export async function createDeploymentFromSource(
  ctx: ServiceContext,
  refs: { project: string; app: string; environment: string },
  archive: Buffer,
): Promise<{ deploymentId: string }> {
  const { project, app, environment } = await resolveEnvironment(ctx, refs);
  if (archive.length === 0) {
    throw new AppError(
      "bad_request",
      "The request body is empty: send the source tree as a .tar.gz.",
    );
  }
  if (!sourceArchiveKind(archive)) {
    throw new AppError(
      "bad_request",
      "The request body is not a tar or gzip-compressed tar archive: send e.g. `tar czf - .`.",
    );
  }
  const at = ctx.clock();
  const uploadId = newId("sourceUpload", at.getTime());
  const deploymentId = newId("deployment", at.getTime());
  const sha256 = createHash("sha256").update(archive).digest("hex");
  const followUps = await ctx.db.transaction(async (tx) => {
    await tx.insert(sourceUploads).values({
      id: uploadId,
      workspaceId: ctx.workspaceId,
      environmentId: environment.id,
      sha256,
      sizeBytes: archive.length,
      content: archive,
      createdAt: at,
    });
    return createDeployment(tx, {
      values: {
        id: deploymentId,
        workspaceId: ctx.workspaceId,
        projectId: project.id,
        appId: app.id,
        environmentId: environment.id,
        status: "pending",
        trigger: "manual",
        sourceUploadId: uploadId,
        runtime: environment.runtime,
        regions: environment.regions.map((region) => region.name),
      },
      at,
      by: { actor: ctx.actor, requestId: ctx.requestId },
      auditContext: {
        source: "upload",
        environmentId: environment.id,
        sha256,
        sizeBytes: archive.length,
      },
    });
  });
  await enqueueFollowUps(ctx.jobs, followUps);
  return { deploymentId };
}
