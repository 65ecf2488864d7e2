import { asc } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { workspaces } from "../db/schema/index.js";
import { addRootKey, createWorkspaceWithRootKey } from "../services/workspaces.js";

/**
 * The first start makes the `default` workspace and returns its root key, which is shown
 * once (only its hash is stored). Later starts return nothing, unless asked for a new key.
 */
export async function bootstrapRootKey(
  db: Database,
  options: { newKey: boolean },
): Promise<string | undefined> {
  const [existing] = await db.select().from(workspaces).orderBy(asc(workspaces.id)).limit(1);
  if (!existing) {
    return (await createWorkspaceWithRootKey(db, { name: "default", keyName: "bootstrap" }))
      .rootKey;
  }
  if (!options.newKey) return undefined;
  return (await addRootKey(db, { workspaceId: existing.id, keyName: "bootstrap (re-issued)" }))
    .rootKey;
}
