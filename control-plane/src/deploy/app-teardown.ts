import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { apps } from "../db/schema/index.js";
import { deleteDeploymentCr } from "./cluster-rollout.js";
import type { DeployTarget } from "./deploy-target.js";
import { labelKeys } from "./object-names.js";

/**
 * The `app.teardown` job: a deleted app's CRs leave the cluster (owner references take their
 * workloads, Services and env Secrets with them), found by the app-id label every CR carries,
 * so deployments the database no longer knows of go too. Safe to run again: deleting what is
 * gone is a no-op. An app that exists (the job was enqueued in error) keeps everything.
 */
export async function tearDownApp(
  deps: { db: Database; deploy?: DeployTarget | undefined },
  appId: string,
): Promise<number> {
  const target = deps.deploy;
  if (!target) return 0;
  const [app] = await deps.db.select({ id: apps.id }).from(apps).where(eq(apps.id, appId));
  if (app) return 0;
  const selector = encodeURIComponent(`${labelKeys.appId}=${appId}`);
  const listed = await target.kube.get<{ items: SlipwayDeployment[] }>(
    `${deploymentCrPath(target.namespace)}?labelSelector=${selector}`,
  );
  for (const cr of listed.items) {
    await deleteDeploymentCr(target.kube, target.namespace, cr.metadata.name!);
  }
  return listed.items.length;
}

/**
 * At a worker's start: the CRs of apps deleted while no teardown job could be enqueued (the
 * process died between the delete and the enqueue) leave the cluster now.
 */
export async function tearDownDeletedApps(deps: {
  db: Database;
  deploy?: DeployTarget | undefined;
}): Promise<number> {
  const target = deps.deploy;
  if (!target) return 0;
  const listed = await target.kube.get<{ items: SlipwayDeployment[] }>(
    `${deploymentCrPath(target.namespace)}?labelSelector=${encodeURIComponent(labelKeys.appId)}`,
  );
  const labelled = new Set(
    listed.items.flatMap((cr) => cr.metadata.labels?.[labelKeys.appId] ?? []),
  );
  if (labelled.size === 0) return 0;
  const existing = await deps.db
    .select({ id: apps.id })
    .from(apps)
    .where(inArray(apps.id, [...labelled]));
  for (const row of existing) labelled.delete(row.id);
  let removed = 0;
  for (const appId of labelled) removed += await tearDownApp(deps, appId);
  return removed;
}
