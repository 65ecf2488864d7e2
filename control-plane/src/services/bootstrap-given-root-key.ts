import { newId } from "@slipway/shared";
import { asc, eq, sql } from "drizzle-orm";
import { rootKeyFromPlaintext } from "../crypto/root-key.js";
import type { Database } from "../db/client.js";
import { rootKeys, workspaces } from "../db/schema/index.js";

/** Any fixed number: two migrate Jobs (an upgrade retried) take turns here. */
const BOOTSTRAP_LOCK = 7_306_110_401;

export type GivenRootKeyOutcome = "created-workspace" | "added-to-workspace" | "exists";

/**
 * An installed Slipway's first root key (the chart's SLIPWAY_BOOTSTRAP_ROOT_KEY, read by the
 * migrate Job): the operator chose it and keeps it in a Secret; only its hash is stored. Makes
 * sure it exists: the `default` workspace is created with it when there is none, otherwise it
 * joins the first workspace (a re-run with the same key changes nothing).
 */
export async function bootstrapGivenRootKey(
  db: Database,
  plaintext: string,
  now: Date = new Date(),
): Promise<GivenRootKeyOutcome> {
  const key = rootKeyFromPlaintext(plaintext);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [known] = await tx
      .select({ id: rootKeys.id })
      .from(rootKeys)
      .where(eq(rootKeys.hash, key.hash));
    if (known) return "exists";
    const [first] = await tx.select().from(workspaces).orderBy(asc(workspaces.id)).limit(1);
    const workspaceId = first?.id ?? newId("workspace", now.getTime());
    if (!first) {
      await tx.insert(workspaces).values({ id: workspaceId, name: "default", createdAt: now });
    }
    await tx.insert(rootKeys).values({
      id: newId("rootKey", now.getTime()),
      workspaceId,
      name: "bootstrap (SLIPWAY_BOOTSTRAP_ROOT_KEY)",
      hash: key.hash,
      start: key.start,
      permissions: ["*"],
      createdAt: now,
    });
    return first ? "added-to-workspace" : "created-workspace";
  });
}
