import {
  changeKeyPermissions,
  changeKeyRoles,
  ensurePermissions,
  type NamedRatelimit,
  replaceRatelimits as replaceRatelimitsOf,
  requireRoles,
  upsertIdentity as upsertIdentityOf,
} from "@slipway/keys";
import type { DatabaseOrTransaction } from "../db/client.js";

/**
 * What a key links to, replaced as a whole (updateKey): its identity by externalId, its direct
 * permissions (created when missing), its roles (which must exist) and its own ratelimits.
 * Permissions, roles and ratelimits are written by their owners in `@slipway/keys`.
 */
interface KeyScope {
  tx: DatabaseOrTransaction;
  workspaceId: string;
  keyId: string;
  now: Date;
}

/** The identity of an externalId, created when there is none. */
export function upsertIdentity(
  { tx, workspaceId, now }: Omit<KeyScope, "keyId">,
  externalId: string,
): Promise<string> {
  return upsertIdentityOf({ db: tx, workspaceId, now }, externalId);
}

/** Replaces a key's direct permissions by slug, creating missing ones (as createKey does). */
export async function replacePermissions(scope: KeyScope, names: string[]) {
  const { tx, ...key } = scope;
  const found = await ensurePermissions(
    { db: tx, workspaceId: key.workspaceId, now: key.now },
    { refs: names, idsToo: false },
    () => {},
  );
  await changeKeyPermissions({ db: tx, ...key }, "set", found);
}

/** Replaces a key's roles by name; every one must exist (a 404 names the missing). */
export async function replaceRoles(scope: KeyScope, names: string[]) {
  const { tx, ...key } = scope;
  const found = await requireRoles({ db: tx, workspaceId: key.workspaceId }, names);
  await changeKeyRoles({ db: tx, ...key }, "set", found);
}

/** Replaces a key's own ratelimits (its identity's stay). */
export function replaceRatelimits(scope: KeyScope, limits: NamedRatelimit[]) {
  const { tx, keyId, ...rest } = scope;
  return replaceRatelimitsOf({ db: tx, ...rest }, { keyId }, limits);
}
