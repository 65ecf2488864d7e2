import { AppError, type FieldError, newId } from "@slipway/shared";
import { and, asc, eq, gt, inArray, notInArray } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import type { SetEnvironmentVariablesBody } from "../api-schemas/environment-variable.js";
import { sealingContext } from "../crypto/decrypt-environment.js";
import { type EnvironmentVariableRow, environmentVariables } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { resolveEnvironment } from "./resolve.js";

type Refs = { project: string; app: string; environment: string };

/** Binds a ciphertext to its environment and key, so it cannot be replayed into another row. */
/** Pure: every key that appears more than once, each location named. */
export function findDuplicateKeys(keys: string[]): FieldError[] {
  const firstIndex = new Map<string, number>();
  const errors: FieldError[] = [];
  keys.forEach((key, index) => {
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else
      errors.push({
        location: `body.variables.${index}.key`,
        message: `duplicate key '${key}', first at variables.${first}`,
      });
  });
  return errors;
}

export async function setEnvironmentVariables(
  ctx: ServiceContext,
  body: SetEnvironmentVariablesBody,
) {
  const duplicates = findDuplicateKeys(body.variables.map((variable) => variable.key));
  if (duplicates.length > 0) {
    throw new AppError(
      "bad_request",
      `Each key may appear once: ${duplicates.map((d) => d.message).join("; ")}`,
      {
        errors: duplicates,
      },
    );
  }
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { environment } = await resolveEnvironment({ ...ctx, db: tx }, body);
    for (const variable of body.variables) {
      const sealed = ctx.cipher.seal(variable.value, sealingContext(environment.id, variable.key));
      const written = {
        kind: variable.kind,
        description: variable.description ?? null,
        ...sealed,
        updatedAt: now,
      };
      await tx
        .insert(environmentVariables)
        .values({
          id: newId("environmentVariable", now.getTime()),
          workspaceId: ctx.workspaceId,
          environmentId: environment.id,
          key: variable.key,
          createdAt: now,
          ...written,
        })
        .onConflictDoUpdate({
          target: [environmentVariables.environmentId, environmentVariables.key],
          set: written,
        });
    }
    let pruned: string[] = [];
    if (body.prune) {
      const keep = body.variables.map((variable) => variable.key);
      const removed = await tx
        .delete(environmentVariables)
        .where(
          and(
            eq(environmentVariables.environmentId, environment.id),
            keep.length > 0 ? notInArray(environmentVariables.key, keep) : undefined,
          ),
        )
        .returning({ key: environmentVariables.key });
      pruned = removed.map((row) => row.key);
    }
    await recordAudit(tx, ctx, {
      action: "environment.set_variables",
      targetType: "environment",
      targetId: environment.id,
      context: { keys: body.variables.map((variable) => variable.key), pruned },
    });
  });
}

export async function removeEnvironmentVariables(
  ctx: ServiceContext,
  body: Refs & { variables: string[] },
) {
  const duplicates = findDuplicateKeys(body.variables);
  if (duplicates.length > 0) {
    throw new AppError(
      "bad_request",
      `Each key may appear once: ${duplicates.map((d) => d.message).join("; ")}`,
      {
        errors: duplicates.map((d) => ({ ...d, location: d.location.replace(/\.key$/, "") })),
      },
    );
  }
  await ctx.db.transaction(async (tx) => {
    const { environment } = await resolveEnvironment({ ...ctx, db: tx }, body);
    const existing = await tx
      .select({ key: environmentVariables.key })
      .from(environmentVariables)
      .where(
        and(
          eq(environmentVariables.environmentId, environment.id),
          inArray(environmentVariables.key, body.variables),
        ),
      );
    const found = new Set(existing.map((row) => row.key));
    const missing = body.variables.filter((key) => !found.has(key));
    if (missing.length > 0) {
      throw new AppError(
        "not_found",
        `No variable named ${missing.map((key) => `'${key}'`).join(", ")} in this environment; nothing was removed.`,
      );
    }
    await tx
      .delete(environmentVariables)
      .where(
        and(
          eq(environmentVariables.environmentId, environment.id),
          inArray(environmentVariables.key, body.variables),
        ),
      );
    await recordAudit(tx, ctx, {
      action: "environment.remove_variables",
      targetType: "environment",
      targetId: environment.id,
      context: { keys: body.variables },
    });
  });
}

function variableView(ctx: ServiceContext, row: EnvironmentVariableRow) {
  return {
    key: row.key,
    kind: row.kind,
    // Write-only values never leave the server through the API, not even to their author.
    ...(row.kind === "recoverable"
      ? { value: ctx.cipher.open(row, sealingContext(row.environmentId, row.key)) }
      : {}),
    ...(row.description ? { description: row.description } : {}),
    createdAt: row.createdAt.getTime(),
  };
}

export async function listEnvironmentVariables(
  ctx: ServiceContext,
  input: Refs & { limit: number; cursor?: string | undefined },
): Promise<Page<ReturnType<typeof variableView>>> {
  const { environment } = await resolveEnvironment(ctx, input);
  // Paged by key: keys are unique per environment and what a person scans for.
  const rows = await ctx.db
    .select()
    .from(environmentVariables)
    .where(
      and(
        eq(environmentVariables.environmentId, environment.id),
        input.cursor ? gt(environmentVariables.key, input.cursor) : undefined,
      ),
    )
    .orderBy(asc(environmentVariables.key))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((row) => ({ ...row, id: row.key })),
    input.limit,
  );
  return { ...page, items: page.items.map((row) => variableView(ctx, row)) };
}
