import { z } from "zod";
import { cursorSchema, identifierSchema } from "./common.js";

/** Values are bounded in UTF-8 bytes, as the SDK documents. */
export const maxEnvVarValueBytes = 65_536;
export const maxEnvVarsPerRequest = 50;

const envVarKeySchema = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "must be a POSIX shell name: letters, digits and underscores, not starting with a digit",
  );

export const environmentVariableSchema = z.object({
  key: z.string(),
  kind: z.enum(["recoverable", "writeonly"]),
  value: z.string().optional(),
  description: z.string().optional(),
  createdAt: z.number(),
});

export const environmentVariableInputSchema = z.strictObject({
  key: envVarKeySchema,
  value: z.string().refine((value) => Buffer.byteLength(value, "utf8") <= maxEnvVarValueBytes, {
    message: `must be at most ${maxEnvVarValueBytes} bytes in UTF-8`,
  }),
  kind: z.enum(["recoverable", "writeonly"]).default("writeonly"),
  description: z.string().max(1024).optional(),
});

export const setEnvironmentVariablesBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  variables: z.array(environmentVariableInputSchema).max(maxEnvVarsPerRequest),
  prune: z.boolean().default(false),
});
export type SetEnvironmentVariablesBody = z.output<typeof setEnvironmentVariablesBody>;

export const removeEnvironmentVariablesBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  variables: z.array(envVarKeySchema).min(1).max(maxEnvVarsPerRequest),
});

export const listEnvironmentVariablesBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  limit: z.number().int().min(1).max(100).default(100),
  cursor: cursorSchema,
});
