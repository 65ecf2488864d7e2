import { createHash } from "node:crypto";
import { gunzipSync, constants as zlibConstants } from "node:zlib";
import { AppError, newId } from "@slipway/shared";
import { storeSourceUpload } from "../db/repositories/source-upload-repository.js";
import { createDeployment } from "../deployments/create-deployment.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import type { ServiceContext } from "./context.js";
import { resolveEnvironment } from "./resolve.js";

const isUstar = (header: Buffer) =>
  header.length >= 262 && header.subarray(257, 262).toString("latin1") === "ustar";

/**
 * Pure: is this a tarball the builder unpacks, a POSIX (ustar/pax/GNU) tar, gzip-compressed or
 * plain? Exactly the formats that build. For gzip, the first header is inflated from the first
 * KiB of the body only (at most ~1 MiB of output), so the check costs nothing for a bomb.
 */
export function sourceArchiveKind(body: Buffer): "gzip" | "tar" | undefined {
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) {
    try {
      const start = gunzipSync(body.subarray(0, 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      return isUstar(start) ? "gzip" : undefined;
    } catch {
      return undefined;
    }
  }
  return isUstar(body) ? "tar" : undefined;
}

/**
 * `deployments.createDeploymentFromSource` (Slipway): a CLI deploy. The request body is the
 * source tree as a tarball; it is stored (within the workspace's upload quota) until its
 * deployment's build ends, and a queued deployment builds it like a commit.
 */
export async function createDeploymentFromSource(
  ctx: ServiceContext,
  refs: { project: string; app: string; environment: string },
  archive: Buffer,
  limits: { quotaBytes: number },
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
      "The request body is not a tar archive (.tar.gz or .tar): send e.g. `tar czf - .`.",
    );
  }
  const at = ctx.clock();
  const uploadId = newId("sourceUpload", at.getTime());
  const deploymentId = newId("deployment", at.getTime());
  const sha256 = createHash("sha256").update(archive).digest("hex");
  const followUps = await ctx.db.transaction(async (tx) => {
    await storeSourceUpload(
      tx,
      {
        id: uploadId,
        workspaceId: ctx.workspaceId,
        environmentId: environment.id,
        sha256,
        sizeBytes: archive.length,
        content: archive,
        createdAt: at,
      },
      limits.quotaBytes,
    );
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
