import {
  AppError,
  type EnvironmentBuild,
  type EnvironmentRuntime,
  type FieldError,
} from "@slipway/shared";
import { asc, eq } from "drizzle-orm";
import type { UpdateSettingsBody } from "../api-schemas/environment.js";
import { type EnvironmentRow, environments } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { resolveApp, resolveEnvironment } from "./resolve.js";

export function environmentView(row: EnvironmentRow) {
  return {
    id: row.id,
    slug: row.slug,
    description: row.description,
    kind: row.kind,
    deleteProtection: row.deleteProtection,
    createdAt: row.createdAt.getTime(),
    ...(row.updatedAt ? { updatedAt: row.updatedAt.getTime() } : {}),
    runtime: row.runtime,
    build: row.build,
    regions: row.regions,
  };
}

type Refs = { project: string; app: string; environment: string };

export async function getEnvironment(ctx: ServiceContext, refs: Refs) {
  const { environment } = await resolveEnvironment(ctx, refs);
  return environmentView(environment);
}

export async function listEnvironments(
  ctx: ServiceContext,
  refs: { project: string; app: string },
) {
  const { app } = await resolveApp(ctx, { project: refs.project, app: refs.app });
  const rows = await ctx.db
    .select()
    .from(environments)
    .where(eq(environments.appId, app.id))
    .orderBy(asc(environments.id));
  return rows.map(environmentView);
}

/** Undefined leaves a field as it is; null clears an optional one (the SDK's convention). */
function merge<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | null | undefined,
): void {
  if (value === undefined) return;
  if (value === null) delete target[key];
  else target[key] = value;
}

/** Pure: the settings after applying an updateSettings body, or the field errors it has. */
export function applySettings(
  current: Pick<EnvironmentRow, "runtime" | "build" | "regions">,
  body: UpdateSettingsBody,
  allowedRegions: readonly string[],
): {
  runtime: EnvironmentRuntime;
  build: EnvironmentBuild;
  regions: EnvironmentRow["regions"];
  changed: string[];
} {
  const runtime: EnvironmentRuntime = structuredClone(current.runtime);
  const build: EnvironmentBuild = structuredClone(current.build);
  merge(build, "dockerfile", body.dockerfile);
  merge(build, "rootDirectory", body.rootDirectory);
  merge(build, "buildCommand", body.buildCommand);
  merge(build, "watchPaths", body.watchPaths);
  merge(build, "autoDeploy", body.autoDeploy);
  merge(runtime, "port", body.port);
  merge(runtime, "vCpus", body.vCpus);
  merge(runtime, "memoryMib", body.memoryMib);
  merge(runtime, "storageMib", body.storageMib);
  merge(runtime, "command", body.command);
  merge(runtime, "healthcheck", body.healthcheck);
  merge(runtime, "shutdownSignal", body.shutdownSignal);
  merge(runtime, "upstreamProtocol", body.upstreamProtocol);
  merge(runtime, "openapiSpecPath", body.openapiSpecPath);

  const errors: FieldError[] = [];
  const regions = body.regions ?? current.regions;
  if (body.regions) {
    const seen = new Set<string>();
    body.regions.forEach((region, index) => {
      if (!allowedRegions.includes(region.name)) {
        errors.push({
          location: `body.regions.${index}.name`,
          message: `unknown region '${region.name}'`,
          fix: `Use one of: ${allowedRegions.join(", ")}.`,
        });
      }
      if (seen.has(region.name)) {
        errors.push({
          location: `body.regions.${index}.name`,
          message: `region '${region.name}' is listed twice`,
        });
      }
      seen.add(region.name);
    });
  }
  if (errors.length > 0) {
    throw new AppError(
      "bad_request",
      `The request is invalid: ${errors.map((e) => `${e.location} ${e.message}`).join("; ")}`,
      {
        errors,
      },
    );
  }
  const fields = ["project", "app", "environment"];
  const changed = Object.entries(body)
    .filter(([key, value]) => value !== undefined && !fields.includes(key))
    .map(([key]) => key);
  return { runtime, build, regions, changed };
}

export async function updateSettings(ctx: ServiceContext, body: UpdateSettingsBody) {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { environment } = await resolveEnvironment({ ...ctx, db: tx }, body);
    const next = applySettings(environment, body, ctx.config.SLIPWAY_REGIONS);
    await tx
      .update(environments)
      .set({ runtime: next.runtime, build: next.build, regions: next.regions, updatedAt: now })
      .where(eq(environments.id, environment.id));
    await recordAudit(tx, ctx, {
      action: "environment.update_settings",
      targetType: "environment",
      targetId: environment.id,
      context: { fields: next.changed },
    });
  });
}
