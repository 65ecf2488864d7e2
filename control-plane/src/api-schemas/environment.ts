import {
  compileGlobs,
  GlobError,
  globLimits,
  healthcheckMethods,
  runtimeLimits,
  shutdownSignals,
  upstreamProtocols,
} from "@slipway/shared";
import { z } from "zod";
import { identifierSchema } from "./common.js";

const multipleOf = (step: number) => (value: number) =>
  Math.abs(value / step - Math.round(value / step)) < 1e-9;

const absolutePathSchema = z.string().min(1).max(1024).startsWith("/", "must start with a slash");

/** A path inside the repository: relative, and never climbing out of it with `..`. */
export const repoPathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => !value.startsWith("/"), { message: "must be relative to the repository root" })
  .refine((value) => !value.split(/[\\/]/).includes(".."), {
    message: "must not contain '..': it has to stay inside the repository",
  });

export const healthcheckSchema = z.strictObject({
  method: z.enum(healthcheckMethods),
  path: absolutePathSchema,
  intervalSeconds: z.number().int().min(1).max(300).optional(),
  timeoutSeconds: z.number().int().min(1).max(60).optional(),
  failureThreshold: z.number().int().min(1).max(100).optional(),
  initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
});

export const replicasSchema = z
  .strictObject({
    min: z.number().int().min(runtimeLimits.replicas.min).max(runtimeLimits.replicas.max),
    max: z.number().int().min(1).max(runtimeLimits.replicas.max),
  })
  .refine((replicas) => replicas.min <= replicas.max, {
    message: "min must not be greater than max",
    path: ["min"],
  });

export const regionSchema = z.strictObject({
  name: z.string().min(1).max(63),
  replicas: replicasSchema,
});

const runtimeResponseSchema = z.object({
  port: z.number(),
  vCpus: z.number(),
  memoryMib: z.number(),
  storageMib: z.number(),
  command: z.array(z.string()),
  healthcheck: z
    .object({
      method: z.enum(healthcheckMethods),
      path: z.string(),
      intervalSeconds: z.number().optional(),
      timeoutSeconds: z.number().optional(),
      failureThreshold: z.number().optional(),
      initialDelaySeconds: z.number().optional(),
    })
    .optional(),
  shutdownSignal: z.enum(shutdownSignals),
  upstreamProtocol: z.enum(upstreamProtocols),
  openapiSpecPath: z.string().optional(),
});

export const environmentSchema = z.object({
  id: z.string(),
  slug: z.string(),
  description: z.string(),
  kind: z.enum(["production", "preview"]),
  deleteProtection: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
  runtime: runtimeResponseSchema.optional(),
  build: z
    .object({
      dockerfile: z.string().optional(),
      rootDirectory: z.string(),
      buildCommand: z.string().optional(),
      watchPaths: z.array(z.string()),
      autoDeploy: z.boolean(),
    })
    .optional(),
  regions: z
    .array(z.object({ name: z.string(), replicas: z.object({ min: z.number(), max: z.number() }) }))
    .optional(),
});

export { runtimeResponseSchema };

export const environmentRefBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
});
export const listEnvironmentsBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
});

export const updateSettingsBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  dockerfile: repoPathSchema.nullable().optional(),
  rootDirectory: z
    .string()
    .min(1)
    .max(1024)
    .refine((value) => !value.startsWith("/") && !value.split(/[\\/]/).includes(".."), {
      message: "must be a directory inside the repository, such as '.' or 'services/api'",
    })
    .optional(),
  buildCommand: z.string().min(1).max(4096).nullable().optional(),
  watchPaths: z
    .array(z.string().min(1).max(globLimits.patternLength))
    .max(100)
    .superRefine((patterns, ctx) => {
      try {
        compileGlobs(patterns);
      } catch (error) {
        if (!(error instanceof GlobError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
      }
    })
    .optional(),
  autoDeploy: z.boolean().optional(),
  port: z.number().int().min(runtimeLimits.port.min).max(runtimeLimits.port.max).optional(),
  vCpus: z
    .number()
    .min(runtimeLimits.vCpus.min)
    .max(runtimeLimits.vCpus.max)
    .refine(multipleOf(runtimeLimits.vCpus.step), { message: "must be a multiple of 0.25" })
    .optional(),
  memoryMib: z
    .number()
    .int()
    .min(runtimeLimits.memoryMib.min)
    .max(runtimeLimits.memoryMib.max)
    .refine(multipleOf(runtimeLimits.memoryMib.step), { message: "must be a multiple of 256" })
    .optional(),
  storageMib: z
    .number()
    .int()
    .min(runtimeLimits.storageMib.min)
    .max(runtimeLimits.storageMib.max)
    .refine(multipleOf(runtimeLimits.storageMib.step), { message: "must be a multiple of 512" })
    .optional(),
  command: z.array(z.string().min(1).max(4096)).max(64).optional(),
  healthcheck: healthcheckSchema.nullable().optional(),
  shutdownSignal: z.enum(shutdownSignals).optional(),
  upstreamProtocol: z.enum(upstreamProtocols).optional(),
  openapiSpecPath: absolutePathSchema.nullable().optional(),
  regions: z
    .array(regionSchema)
    .min(1, "an environment needs at least one region")
    .max(20)
    .optional(),
});
export type UpdateSettingsBody = z.output<typeof updateSettingsBody>;
