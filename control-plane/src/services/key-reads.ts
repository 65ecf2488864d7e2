import { hashKey } from "@slipway/keys";
import { notFound } from "@slipway/shared";
import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import { apiKeys, identities } from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";
import { keyViews, resolveApiKey } from "./key-views.js";
import { resolveKeyspace } from "./keyspaces.js";

type KeyView = Awaited<ReturnType<typeof keyViews>>[number];

/** getKey: `decrypt` needs `decrypt_key` on the key's API and opens recoverable keys only. */
export async function getKey(ctx: ServiceContext, input: { keyId: string; decrypt?: boolean }) {
  const row = await resolveApiKey(ctx, input.keyId);
  if (input.decrypt) ctx.access.requireAlso("decrypt_key", { apiId: row.keyspaceId });
  const [view] = await keyViews(ctx, [row], input.decrypt ?? false);
  return view!;
}

/**
 * whoami: the key behind a plaintext. Looked up only in the APIs the root key may read keys
 * of, so a key elsewhere answers 404 exactly like one that does not exist.
 */
export async function whoami(ctx: ServiceContext, key: string) {
  const readable = ctx.access.grantedIds();
  const [row] = await ctx.db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.workspaceId, ctx.workspaceId),
        eq(apiKeys.hash, hashKey(key)),
        isNull(apiKeys.deletedAt),
        readable === "all" ? undefined : inArray(apiKeys.keyspaceId, readable),
      ),
    )
    .limit(1);
  if (!row) throw notFound("The key");
  const [view] = await keyViews(ctx, [row], false);
  return view!;
}

/** listKeys: `read_key` and `read_api` on the API; `decrypt` also `decrypt_key`. By id. */
export async function listKeys(
  ctx: ServiceContext,
  input: {
    apiId: string;
    limit: number;
    cursor?: string | undefined;
    externalId?: string | undefined;
    decrypt?: boolean | undefined;
  },
): Promise<Page<KeyView>> {
  const keyspace = await resolveKeyspace(ctx, input.apiId);
  ctx.access.requireAlso("read_api", { apiId: keyspace.id });
  if (input.decrypt) ctx.access.requireAlso("decrypt_key", { apiId: keyspace.id });
  const rows = await ctx.db
    .select({ key: apiKeys })
    .from(apiKeys)
    .leftJoin(
      identities,
      and(eq(identities.id, apiKeys.identityId), eq(identities.workspaceId, apiKeys.workspaceId)),
    )
    .where(
      and(
        eq(apiKeys.workspaceId, ctx.workspaceId),
        eq(apiKeys.keyspaceId, keyspace.id),
        isNull(apiKeys.deletedAt),
        input.cursor ? gt(apiKeys.id, input.cursor) : undefined,
        input.externalId !== undefined ? eq(identities.externalId, input.externalId) : undefined,
      ),
    )
    .orderBy(asc(apiKeys.id))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((row) => row.key),
    input.limit,
  );
  return { ...page, items: await keyViews(ctx, page.items, input.decrypt ?? false) };
}
