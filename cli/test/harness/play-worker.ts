import type { Database } from "@slipway/control-plane/src/db/client.js";
import { apps, deployments, environments } from "@slipway/control-plane/src/db/schema/index.js";
import {
  completeRollout,
  failRollout,
} from "@slipway/control-plane/src/deployments/complete-rollout.js";
import { finishBuild } from "@slipway/control-plane/src/deployments/finish-build.js";
import { transitionDeployment } from "@slipway/control-plane/src/deployments/transition.js";
import { openDeploymentLog } from "@slipway/control-plane/src/image-build/deployment-log-writer.js";
import { eq } from "drizzle-orm";

/**
 * The worker's part of a deploy, for an API started without a builder or a cluster: the same
 * lifecycle core and log writer the real worker calls move the deployment on, so the CLI sees
 * exactly the statuses, log lines and hostnames a real build and rollout would give it.
 */
export function playWorker(db: Database) {
  const row = async (deploymentId: string) => {
    const [deployment] = await db
      .select()
      .from(deployments)
      .where(eq(deployments.id, deploymentId));
    if (!deployment) throw new Error(`no deployment ${deploymentId}`);
    return deployment;
  };
  return {
    /** The newest deployment of an app, once the API has created one. */
    async waitForDeployment(appId: string): Promise<string> {
      for (;;) {
        const [found] = await db.select().from(deployments).where(eq(deployments.appId, appId));
        if (found) return found.id;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async build(deploymentId: string, lines: string[]) {
      await transitionDeployment(db, { id: deploymentId, event: "startBuild", at: new Date() });
      const log = await openDeploymentLog(db, {
        workspaceId: (await row(deploymentId)).workspaceId,
        deploymentId,
        redact: (line) => line,
      });
      for (const text of lines)
        log.write({ step: "build", stream: "stdout", text, at: new Date() });
      await log.close();
    },
    failBuild: (deploymentId: string, failure: string) =>
      finishBuild(db, { deploymentId, at: new Date(), failure }),
    finishBuild: (deploymentId: string) =>
      finishBuild(db, { deploymentId, at: new Date(), image: "registry.test/app@sha256:abc" }),
    failRollout: (deploymentId: string, message: string) =>
      failRollout(db, { deploymentId, code: "unknown", message, at: new Date() }),
    async completeRollout(deploymentId: string, previewDomain: string) {
      const deployment = await row(deploymentId);
      const [environment] = await db
        .select()
        .from(environments)
        .where(eq(environments.id, deployment.environmentId));
      const [app] = await db.select().from(apps).where(eq(apps.id, deployment.appId));
      return completeRollout(db, {
        deployment,
        environmentKind: environment!.kind,
        environmentSlug: environment!.slug,
        appSlug: app!.slug,
        previewDomain,
        at: new Date(),
      });
    },
  };
}
