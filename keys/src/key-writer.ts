import { newId } from "@slipway/shared";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { generateKey } from "./key-material.js";
import { isValidPermissionName } from "./permission-name.js";
import { apiKeys } from "./schema/api-keys.js";
import { identities } from "./schema/identities.js";
import { keyPermissions } from "./schema/key-permissions.js";
import { keyRatelimits } from "./schema/key-ratelimits.js";
import { keyRoles } from "./schema/key-roles.js";
import { keyspaces } from "./schema/keyspaces.js";
import { permissions } from "./schema/permissions.js";
import { roles } from "./schema/roles.js";

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
  | "role_not_found"
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
 * created, roles must exist. Returns the plaintext once; only its hash (and, for recoverable
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
        : await upsertIdentity(tx, input.workspaceId, input.externalId, now);

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

// biome-ignore lint/suspicious/noExplicitAny: any drizzle schema that includes these tables.
type Transaction = Parameters<Parameters<NodePgDatabase<any>["transaction"]>[0]>[0];

/** The identity of `externalId` in the workspace, created when it does not exist yet. */
export async function upsertIdentity(
  tx: Transaction,
  workspaceId: string,
  externalId: string,
  now: Date,
): Promise<string> {
  const [identity] = await tx
    .insert(identities)
    .values({ id: newId("identity", now.getTime()), workspaceId, externalId, createdAt: now })
    .onConflictDoUpdate({
      target: [identities.workspaceId, identities.externalId],
      // A no-op update, so the existing row comes back from RETURNING.
      set: { externalId: sql`excluded.external_id` },
    })
    .returning({ id: identities.id });
  return identity!.id;
}

/**
 * A new key's permissions (missing ones created), roles (which must exist: `role_not_found`)
 * and ratelimits, in the caller's transaction.
 */
export async function insertKeyRelations(
  tx: Transaction,
  input: Pick<CreateKeyInput, "workspaceId" | "permissions" | "roles" | "ratelimits">,
  keyId: string,
  now: Date,
): Promise<void> {
  const permissionNames = [...new Set(input.permissions ?? [])];
  if (permissionNames.length > 0) {
    await tx
      .insert(permissions)
      .values(
        permissionNames.map((slug) => ({
          id: newId("permission", now.getTime()),
          workspaceId: input.workspaceId,
          name: slug,
          slug,
          createdAt: now,
        })),
      )
      .onConflictDoNothing();
    const found = await tx
      .select({ id: permissions.id })
      .from(permissions)
      .where(
        and(
          eq(permissions.workspaceId, input.workspaceId),
          inArray(permissions.slug, permissionNames),
        ),
      );
    await tx.insert(keyPermissions).values(
      found.map((permission) => ({
        workspaceId: input.workspaceId,
        keyId,
        permissionId: permission.id,
        createdAt: now,
      })),
    );
  }

  const roleNames = [...new Set(input.roles ?? [])];
  if (roleNames.length > 0) {
    const found = await tx
      .select({ id: roles.id, name: roles.name })
      .from(roles)
      .where(and(eq(roles.workspaceId, input.workspaceId), inArray(roles.name, roleNames)));
    const missing = roleNames.filter((name) => !found.some((role) => role.name === name));
    if (missing.length > 0) {
      throw new CreateKeyError("role_not_found", `roles not found: ${missing.join(", ")}`);
    }
    await tx.insert(keyRoles).values(
      found.map((role) => ({
        workspaceId: input.workspaceId,
        keyId,
        roleId: role.id,
        createdAt: now,
      })),
    );
  }

  if (input.ratelimits && input.ratelimits.length > 0) {
    await tx.insert(keyRatelimits).values(
      input.ratelimits.map((limit) => ({
        id: newId("ratelimit", now.getTime()),
        workspaceId: input.workspaceId,
        keyId,
        name: limit.name,
        limit: limit.limit,
        duration: limit.duration,
        autoApply: limit.autoApply ?? false,
        createdAt: now,
      })),
    );
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
