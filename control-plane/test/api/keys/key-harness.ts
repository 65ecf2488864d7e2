import { Unkey } from "@unkey/api";
import { addRootKey } from "../../../src/services/workspaces.js";
import type { TestApi, TestWorkspace } from "../../harness/api.js";

/** A second root key of the workspace, holding only `permissions`. */
export async function rootKeyWith(
  api: TestApi,
  workspace: TestWorkspace,
  permissions: string[],
): Promise<{ rootKey: string; sdk: Unkey }> {
  const { rootKey } = await addRootKey(api.database.db, {
    workspaceId: workspace.workspaceId,
    keyName: "scoped",
    permissions,
  });
  api.secrets.add(rootKey);
  return {
    rootKey,
    sdk: new Unkey({ rootKey, serverURL: api.url, retryConfig: { strategy: "none" } }),
  };
}

/** Audit rows of one target, oldest first. */
export async function auditActions(api: TestApi, targetId: string): Promise<string[]> {
  const result = await api.database.db.query.auditLogs.findMany({
    where: (log, { eq }) => eq(log.targetId, targetId),
    orderBy: (log, { asc }) => asc(log.id),
  });
  return result.map((row) => row.action);
}
