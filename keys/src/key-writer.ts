import { newId } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { generateKey } from "./key-material.js";
import type { KeysDatabase } from "./keys-database.js";
import { isValidPermissionName } from "./permission-name.js";
import { upsertIdentity } from "./rbac/identity-store.js";
import { changeKeyPermissions, changeKeyRoles } from "./rbac/key-grants.js";
import { ensurePermissions } from "./rbac/permission-store.js";
import { replaceRatelimits } from "./rbac/ratelimit-store.js";
import { requireRoles } from "./rbac/role-store.js";
import { apiKeys } from "./schema/api-keys.js";
import { keyspaces } from "./schema/keyspaces.js";

/** The envelope encryption of env vars, passed in (it lives in the control plane). */
export interface SealedKey {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  wrappedDataKey: Buffer;
  keyVersion: number;
}
export type SealKey = (plaintext: string, context: string) => SealedKey;

/** The SDK's `V2KeysCreateKeyRequestBody`, with the workspace the root key belongs to. */
export interface CreateKeyInput {
  workspaceId: string;
  keyspaceId: string;
  prefix?: string;
  byteLength?: number;
  name?: string;
  externalId?: string;
  meta?: Record<string, unknown>;
  roles?: string[];
  permissions?: string[];
  /** Unix ms, at most 4102444800000. */
  expires?: number;
  credits?: {
    remaining: number | null;
    refill?: { interval: "daily" | "monthly"; amount: number; refillDay?: number };
  };
  ratelimits?: Array<{ name: string; limit: number; duration: number; autoApply?: boolean }>;
  enabled?: boolean;
  recoverable?: boolean;
}

export type CreateKeyErrorCode =
  | "keyspace_not_found"
  | "recoverable_not_allowed"
  | "invalid_permission"
  | "invalid_input";

export class CreateKeyError extends Error {
  constructor(
    readonly code: CreateKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CreateKeyError";
  }
}

export const maxExpires = 4_102_444_800_000;

/** The context bound to a sealed key: another row's ciphertext will not open as this one. */
export const sealedKeyContext = (keyId: string) => `api_key/${keyId}`;

/**
 * Creates a key in one transaction: `externalId` upserts the identity, missing permissions are
 * created, roles must exist (a 404 `AppError` otherwise). Returns the plaintext once; only its hash (and, for recoverable
 * keys, its sealed form) is stored. The caller publishes the change after the commit.
 */
export async function createApiKey(
  // A database or a transaction (the caller's, so its audit row commits with the key).
  // biome-ignore lint/suspicious/noExplicitAny: any drizzle schema that includes these tables.
  db: Pick<NodePgDatabase<any>, "transaction">,
  input: CreateKeyInput,
  options: { seal?: SealKey; now?: Date } = {},
): Promise<{ keyId: string; key: string; hash: string }> {
  const now = options.now ?? new Date();
  validateKeyInput(input);
  const generated = generateKey({
    ...(input.prefix !== undefined && { prefix: input.prefix }),
    ...(input.byteLength !== undefined && { byteLength: input.byteLength }),
  });
  const keyId = newId("apiKey", now.getTime());

  await db.transaction(async (tx) => {
    const [keyspace] = await tx
      .select({ recoverableKeys: keyspaces.recoverableKeys })
      .from(keyspaces)
      .where(and(eq(keyspaces.workspaceId, input.workspaceId), eq(keyspaces.id, input.keyspaceId)));
    if (!keyspace) throw new CreateKeyError("keyspace_not_found", "the API does not exist");
    let sealed: SealedKey | undefined;
    if (input.recoverable) {
      if (!keyspace.recoverableKeys || !options.seal) {
        throw new CreateKeyError(
          "recoverable_not_allowed",
          "this API does not store recoverable keys",
        );
      }
      sealed = options.seal(generated.key, sealedKeyContext(keyId));
    }

    const identityId =
      input.externalId === undefined
        ? undefined
        : await upsertIdentity({ db: tx, workspaceId: input.workspaceId, now }, input.externalId);

    await tx.insert(apiKeys).values({
      ...keyRowValues(
        input,
        { keyId, hash: generated.hash, start: generated.start, identityId },
        now,
      ),
      ...(sealed && {
        sealedKey: sealed.ciphertext,
        sealedKeyIv: sealed.iv,
        sealedKeyAuthTag: sealed.authTag,
        sealedKeyWrappedDataKey: sealed.wrappedDataKey,
        sealedKeyVersion: sealed.keyVersion,
      }),
    });

    await insertKeyRelations(tx, input, keyId, now);
  });
  return { keyId, key: generated.key, hash: generated.hash };
}

/**
 * A new key's permissions (missing ones created), roles (which must exist: a 404 names the
 * missing) and ratelimits, in the caller's transaction, written by their owners in `rbac/`.
 * The roles and permissions found stay locked against deletion until the transaction ends,
 * so a concurrent deleteRole either waits for this key (and then takes the role from it) or
 * wins first (and this key is refused with a 404), never a foreign-key error.
 */
export async function insertKeyRelations(
  tx: KeysDatabase,
  input: Pick<CreateKeyInput, "workspaceId" | "permissions" | "roles" | "ratelimits">,
  keyId: string,
  now: Date,
): Promise<void> {
  const scope = { db: tx, workspaceId: input.workspaceId, now };
  const grants = { ...scope, keyId };
  if (input.permissions && input.permissions.length > 0) {
    // createKey may create the permissions it names (the SDK documents no separate grant).
    const found = await ensurePermissions(
      scope,
      { refs: input.permissions, idsToo: false },
      () => {},
    );
    await changeKeyPermissions(grants, "add", found);
  }
  if (input.roles && input.roles.length > 0) {
    await changeKeyRoles(grants, "add", await requireRoles(scope, input.roles));
  }
  if (input.ratelimits && input.ratelimits.length > 0) {
    await replaceRatelimits(scope, { keyId }, input.ratelimits, { isNew: true });
  }
}

/** What the database would refuse less clearly, refused first with `invalid_*`. */
export function validateKeyInput(
  input: Pick<CreateKeyInput, "permissions" | "expires" | "credits">,
): void {
  for (const name of input.permissions ?? []) {
    if (!isValidPermissionName(name)) {
      throw new CreateKeyError("invalid_permission", `'${name}' is not a valid permission name`);
    }
  }
  if (input.expires !== undefined && input.expires > maxExpires) {
    throw new CreateKeyError("invalid_input", `expires must be at most ${maxExpires}`);
  }
  if (input.credits?.refill && input.credits.remaining === null) {
    throw new CreateKeyError("invalid_input", "credits.remaining is required with a refill");
  }
  const refill = input.credits?.refill;
  if (refill && (refill.interval === "monthly") !== (refill.refillDay !== undefined)) {
    throw new CreateKeyError("invalid_input", "refillDay is required for monthly refills only");
  }
}

/** The `api_keys` row of a new key (created or migrated), without its sealed form. */
export function keyRowValues(
  input: Omit<CreateKeyInput, "prefix" | "byteLength" | "recoverable">,
  material: { keyId: string; hash: string; start: string; identityId: string | undefined },
  now: Date,
) {
  return {
    id: material.keyId,
    workspaceId: input.workspaceId,
    keyspaceId: input.keyspaceId,
    hash: material.hash,
    start: material.start,
    name: input.name ?? null,
    meta: input.meta ?? null,
    identityId: material.identityId ?? null,
    enabled: input.enabled ?? true,
    expiresAt: input.expires === undefined ? null : new Date(input.expires),
    creditsRemaining: input.credits?.remaining ?? null,
    refillInterval: input.credits?.refill?.interval ?? null,
    refillAmount: input.credits?.refill?.amount ?? null,
    refillDay: input.credits?.refill?.refillDay ?? null,
    // The first refill is the next boundary after creation, not the one just passed.
    lastRefillAt: input.credits?.refill ? now : null,
    createdAt: now,
  };
}
