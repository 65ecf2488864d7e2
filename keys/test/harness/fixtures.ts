import { newId } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import { type CreateKeyInput, createApiKey } from "../../src/key-writer.js";
import { identities } from "../../src/schema/identities.js";
import { keyRatelimits } from "../../src/schema/key-ratelimits.js";
import { keyspaces } from "../../src/schema/keyspaces.js";
import { permissions } from "../../src/schema/permissions.js";
import { rolePermissions } from "../../src/schema/role-permissions.js";
import { roles } from "../../src/schema/roles.js";
import { createWorkspace, type TestDatabase } from "./database.js";

/** A workspace with one keyspace, and helpers to add keys, roles and identity limits to it. */
export async function createKeyspaceFixture(database: TestDatabase, recoverableKeys = false) {
  const workspaceId = await createWorkspace(database.pool, newId("workspace"));
  const keyspaceId = newId("keyspace");
  await database.db.insert(keyspaces).values({
    id: keyspaceId,
    workspaceId,
    name: "payments",
    recoverableKeys,
    createdAt: new Date(),
  });
  return {
    workspaceId,
    keyspaceId,
    createKey: (input: Partial<CreateKeyInput> = {}) =>
      createApiKey(database.db, { workspaceId, keyspaceId, ...input }),
    async createRole(name: string, slugs: string[]) {
      const roleId = newId("role");
      await database.db
        .insert(roles)
        .values({ id: roleId, workspaceId, name, createdAt: new Date() });
      for (const slug of slugs) {
        const permissionId = newId("permission");
        await database.db
          .insert(permissions)
          .values({ id: permissionId, workspaceId, name: slug, slug, createdAt: new Date() });
        await database.db
          .insert(rolePermissions)
          .values({ workspaceId, roleId, permissionId, createdAt: new Date() });
      }
      return roleId;
    },
    async addIdentityRatelimit(
      externalId: string,
      limit: { name: string; limit: number; duration: number; autoApply?: boolean },
    ) {
      await database.db
        .insert(identities)
        .values({ id: newId("identity"), workspaceId, externalId, createdAt: new Date() })
        .onConflictDoNothing();
      const [identity] = await database.db
        .select()
        .from(identities)
        .where(and(eq(identities.workspaceId, workspaceId), eq(identities.externalId, externalId)));
      await database.db.insert(keyRatelimits).values({
        id: newId("ratelimit"),
        workspaceId,
        identityId: identity!.id,
        ...limit,
        createdAt: new Date(),
      });
    },
  };
}
