import { availableParallelism } from "node:os";
import { z } from "zod";

const region = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a region name like eu-1");
const list = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );
const ms = (fallback: number) => z.coerce.number().int().min(1).max(3_600_000).default(fallback);
const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, "each entry must be an IP address or CIDR");

const configSchema = z.object({
  /** This Sentinel's region; its own instances are preferred. */
  SLIPWAY_REGION: region,
  /** Other regions nearest first, for fallback when this region has no ready instance. */
  SLIPWAY_REGION_PROXIMITY: list.pipe(z.array(region)),
  SENTINEL_HOST: z.string().default("0.0.0.0"),
  SENTINEL_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Proxies in front of Sentinel whose X-Forwarded-For entries are believed. */
  SENTINEL_TRUSTED_PROXIES: list.pipe(z.array(cidr)),
  SENTINEL_MAX_HOPS: z.coerce.number().int().min(1).max(50).default(5),
  /** Remove the verified API key from the request before it reaches the app. */
  SENTINEL_STRIP_CREDENTIALS: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** A JSON ConfigSnapshot (routes and policies) until the control plane's loader lands. */
  SENTINEL_CONFIG_FILE: z.string().min(1),
  /** With a kubeconfig, instances come from EndpointSlices; without, from the config file. */
  KUBECONFIG: z.string().min(1).optional(),
  SENTINEL_HEADERS_TIMEOUT_MS: ms(10_000),
  SENTINEL_REQUEST_TIMEOUT_MS: ms(300_000),
  SENTINEL_KEEP_ALIVE_TIMEOUT_MS: ms(5_000),
  SENTINEL_UPSTREAM_KEEP_ALIVE_MS: ms(4_000),
  SENTINEL_UPSTREAM_CONNECT_TIMEOUT_MS: ms(3_000),
  SENTINEL_UPSTREAM_HEADERS_TIMEOUT_MS: ms(60_000),
  SENTINEL_UPSTREAM_BODY_TIMEOUT_MS: ms(300_000),
  SENTINEL_DRAIN_TIMEOUT_MS: ms(25_000),
  SENTINEL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Worker processes (node:cluster); 1 serves in the main process. Default: one per core. */
  SENTINEL_WORKERS: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
  /** The admin port: /metrics (Prometheus), /healthz, /readyz. Never the traffic port. */
  SENTINEL_ADMIN_HOST: z.string().default("0.0.0.0"),
  SENTINEL_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
});

export type SentinelEnv = z.output<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the environment once at boot; the error names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): SentinelEnv {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(config)"}: ${issue.message}`,
  );
  throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
}
