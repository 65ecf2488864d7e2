import { newId } from "@slipway/shared";
import { mintRootKey } from "../crypto/root-key.js";
import type { Database } from "../db/client.js";
import { rootKeys, workspaces } from "../db/schema/index.js";

/**
 * Creates a workspace and its first root key. The plaintext key is returned once and only
 * its hash is stored; losing it means minting another.
 */
export async function createWorkspaceWithRootKey(
  db: Database,
  input: { name: string; keyName?: string; permissions?: string[]; now?: Date },
): Promise<{ workspaceId: string; rootKeyId: string; rootKey: string }> {
  const now = input.now ?? new Date();
  const workspaceId = newId("workspace", now.getTime());
  const rootKeyId = newId("rootKey", now.getTime());
  const key = mintRootKey();
  await db.transaction(async (tx) => {
    await tx.insert(workspaces).values({ id: workspaceId, name: input.name, createdAt: now });
    await tx.insert(rootKeys).values({
      id: rootKeyId,
      workspaceId,
      name: input.keyName ?? "bootstrap",
      hash: key.hash,
      start: key.start,
      permissions: input.permissions ?? ["*"],
      createdAt: now,
    });
  });
  return { workspaceId, rootKeyId, rootKey: key.plaintext };
}

/** Another root key for an existing workspace (the old ones keep working). */
export async function addRootKey(
  db: Database,
  input: { workspaceId: string; keyName: string; permissions?: string[]; now?: Date },
): Promise<{ rootKeyId: string; rootKey: string }> {
  const now = input.now ?? new Date();
  const rootKeyId = newId("rootKey", now.getTime());
  const key = mintRootKey();
  await db.insert(rootKeys).values({
    id: rootKeyId,
    workspaceId: input.workspaceId,
    name: input.keyName,
    hash: key.hash,
    start: key.start,
    permissions: input.permissions ?? ["*"],
    createdAt: now,
  });
  return { rootKeyId, rootKey: key.plaintext };
}
