import {
  updateIdentity as changeIdentity,
  findIdentity,
  type IdentityRatelimit,
  identityViews,
  createIdentity as insertIdentity,
  listIdentities as listIdentityRows,
  deleteIdentity as removeIdentity,
} from "@slipway/keys";
import { type Page, toPage } from "../api-schemas/common.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { announceKeyChange } from "./key-change.js";
import { requireKeyRuntime } from "./keyspaces.js";

type IdentityFields = {
  meta?: Record<string, unknown> | undefined;
  ratelimits?: IdentityRatelimit[] | undefined;
};

/** createIdentity: an externalId already taken is a 409. */
export async function createIdentity(
  ctx: ServiceContext,
  input: IdentityFields & { externalId: string },
) {
  const now = ctx.clock();
  const row = await ctx.db.transaction(async (tx) => {
    const row = await insertIdentity({ db: tx, workspaceId: ctx.workspaceId, now }, input);
    await recordAudit(tx, ctx, {
      action: "identity.create",
      targetType: "identity",
      targetId: row.id,
      context: { externalId: row.externalId },
    });
    return row;
  });
  return { identityId: row.id };
}

/** getIdentity by id or externalId, with its ratelimits. */
export async function getIdentity(ctx: ServiceContext, ref: string) {
  const row = await findIdentity(ctx, ref);
  const [view] = await identityViews(ctx, [row]);
  return view!;
}

/**
 * updateIdentity: absent fields stay, `meta` and `ratelimits` replace. Its keys verify with the
 * new metadata and limits at once, on every process.
 */
export async function updateIdentity(
  ctx: ServiceContext,
  input: IdentityFields & { identity: string },
) {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  const view = await ctx.db.transaction(async (tx) => {
    const scope = { db: tx, workspaceId: ctx.workspaceId, now };
    const found = await findIdentity(scope, input.identity, { forUpdate: true });
    const row = await changeIdentity(scope, found, input);
    await recordAudit(tx, ctx, {
      action: "identity.update",
      targetType: "identity",
      targetId: row.id,
      context: {
        fields: (["meta", "ratelimits"] as const).filter((name) => input[name] !== undefined),
      },
    });
    const [view] = await identityViews(scope, [row]);
    return view!;
  });
  await announceKeyChange(keys, { workspaceId: ctx.workspaceId });
  return view;
}

/** deleteIdentity: its keys stay and keep verifying, without its metadata and shared limits. */
export async function deleteIdentity(ctx: ServiceContext, ref: string) {
  const keys = requireKeyRuntime(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await findIdentity({ db: tx, workspaceId: ctx.workspaceId }, ref, {
      forUpdate: true,
    });
    await removeIdentity({ db: tx }, row);
    await recordAudit(tx, ctx, {
      action: "identity.delete",
      targetType: "identity",
      targetId: row.id,
      context: { externalId: row.externalId },
    });
  });
  await announceKeyChange(keys, { workspaceId: ctx.workspaceId });
}

/** listIdentities: id order, `limit` a page, `cursor` the last id seen. */
export async function listIdentities(
  ctx: ServiceContext,
  input: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<Awaited<ReturnType<typeof identityViews>>[number]>> {
  const page = toPage(await listIdentityRows(ctx, input), input.limit);
  return { ...page, items: await identityViews(ctx, page.items) };
}
