import type { Environment } from "@unkey/api/models/components";
import type { V2EnvironmentsUpdateSettingsRequestBody } from "@unkey/api/models/components/v2environmentsupdatesettingsrequestbody.js";
import type { FieldError } from "../api/api-error";

/** The settings form as a person edits it: text as typed, parsed only when saving. */
export interface SettingsForm {
  rootDirectory: string;
  dockerfile: string;
  /** One glob per line. */
  watchPaths: string;
  port: string;
  vCpus: string;
  memoryMib: string;
  storageMib: string;
  upstreamProtocol: "http1" | "h2c";
  healthcheckEnabled: boolean;
  healthcheckMethod: "GET" | "POST";
  healthcheckPath: string;
  healthcheckIntervalSeconds: string;
  regions: Array<{ name: string; min: string; max: string }>;
}

export type SettingsUpdate = Omit<
  V2EnvironmentsUpdateSettingsRequestBody,
  "project" | "app" | "environment"
>;

/** Pure: the form's starting values from what `environments.getEnvironment` answered. */
export function formFromEnvironment(environment: Environment): SettingsForm {
  const runtime = environment.runtime;
  const healthcheck = runtime?.healthcheck;
  return {
    rootDirectory: environment.build?.rootDirectory ?? ".",
    dockerfile: environment.build?.dockerfile ?? "",
    watchPaths: (environment.build?.watchPaths ?? []).join("\n"),
    port: String(runtime?.port ?? 8080),
    vCpus: String(runtime?.vCpus ?? 0.25),
    memoryMib: String(runtime?.memoryMib ?? 256),
    storageMib: String(runtime?.storageMib ?? 0),
    upstreamProtocol: runtime?.upstreamProtocol ?? "http1",
    healthcheckEnabled: healthcheck !== undefined,
    healthcheckMethod: healthcheck?.method ?? "GET",
    healthcheckPath: healthcheck?.path ?? "/health",
    healthcheckIntervalSeconds:
      healthcheck?.intervalSeconds !== undefined ? String(healthcheck.intervalSeconds) : "",
    regions: (environment.regions ?? []).map((region) => ({
      name: region.name,
      min: String(region.replicas.min),
      max: String(region.replicas.max),
    })),
  };
}

/** The field names errors are keyed by: the API's location without `body.`. */
export type FieldErrors = Map<string, string>;

/** Pure: a number typed into a field, or a field error when it is not one. */
function numberFrom(text: string, field: string, errors: FieldErrors): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) {
    errors.set(field, "must be a number");
  }
  return value;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: what changed between the saved settings and the form, as an `updateSettings` body (only
 * changed fields, so an error is about what the person touched), or the fields that are not
 * numbers. The API does the real validation; its errors come back per field.
 */
export function settingsUpdate(
  before: SettingsForm,
  form: SettingsForm,
): { update: SettingsUpdate; errors: FieldErrors } {
  const errors: FieldErrors = new Map();
  const update: SettingsUpdate = {};
  if (form.rootDirectory !== before.rootDirectory) update.rootDirectory = form.rootDirectory.trim();
  if (form.dockerfile !== before.dockerfile) {
    update.dockerfile = form.dockerfile.trim() === "" ? null : form.dockerfile.trim();
  }
  if (form.watchPaths !== before.watchPaths) update.watchPaths = linesOf(form.watchPaths);
  for (const field of ["port", "vCpus", "memoryMib", "storageMib"] as const) {
    if (form[field] !== before[field]) update[field] = numberFrom(form[field], field, errors);
  }
  if (form.upstreamProtocol !== before.upstreamProtocol) {
    update.upstreamProtocol = form.upstreamProtocol;
  }
  const healthcheck = healthcheckOf(form, errors);
  if (!sameJson(healthcheck, healthcheckOf(before, new Map()))) update.healthcheck = healthcheck;
  if (!sameJson(form.regions, before.regions)) {
    update.regions = form.regions.map((region, index) => ({
      name: region.name.trim(),
      replicas: {
        min: numberFrom(region.min, `regions.${index}.replicas.min`, errors),
        max: numberFrom(region.max, `regions.${index}.replicas.max`, errors),
      },
    }));
  }
  return { update, errors };
}

function healthcheckOf(form: SettingsForm, errors: FieldErrors): SettingsUpdate["healthcheck"] {
  if (!form.healthcheckEnabled) return null;
  const interval = form.healthcheckIntervalSeconds.trim();
  return {
    method: form.healthcheckMethod,
    path: form.healthcheckPath.trim(),
    ...(interval
      ? { intervalSeconds: numberFrom(interval, "healthcheck.intervalSeconds", errors) }
      : {}),
  };
}

function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/**
 * Pure: the API's field errors keyed by field name (`body.memoryMib` → `memoryMib`); a glob's
 * index (`body.watchPaths.2`) is reported on the watch paths field as a whole. The first message
 * for a field wins.
 */
export function fieldErrorsByName(errors: FieldError[]): FieldErrors {
  const byName: FieldErrors = new Map();
  for (const error of errors) {
    let name = error.location.replace(/^body\.?/, "");
    if (/^watchPaths(\.\d+)?$/.test(name)) name = "watchPaths";
    if (!byName.has(name))
      byName.set(name, error.fix ? `${error.message}. ${error.fix}` : error.message);
  }
  return byName;
}
