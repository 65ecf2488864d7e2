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

const configSchema = z
  .object({
    /** This Sentinel's region; its own instances are preferred. */
    SLIPWAY_REGION: region,
    /** Other regions nearest first, for fallback when this region has no ready instance. */
    SLIPWAY_REGION_PROXIMITY: list.pipe(z.array(region)),
    SENTINEL_HOST: z.string().default("0.0.0.0"),
    SENTINEL_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Proxies in front of Sentinel whose X-Forwarded-For entries are believed. */
    SENTINEL_TRUSTED_PROXIES: list.pipe(z.array(cidr)),
    SENTINEL_MAX_HOPS: z.coerce.number().int().min(1).max(50).default(5),
    /**
     * Who serves HTTP/1.1 clients: Sentinel's own engine (strict parser; upgrades,
     * `Expect: 100-continue` and HTTP/1.0 go on to Node's server) or Node's server for everything.
     */
    SENTINEL_HTTP1_ENGINE: z.enum(["sentinel", "node"]).default("sentinel"),
    /** Remove the verified API key from the request before it reaches the app. */
    SENTINEL_STRIP_CREDENTIALS: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    /**
     * The control plane's PostgreSQL: routes and policies from its `gateway_routes` view, live
     * through LISTEN/NOTIFY, and API keys for keyauth. Needs REDIS_URL.
     */
    DATABASE_URL: z.string().url().optional(),
    /** Shared ratelimit counters, credits and key-cache invalidation (the control plane's Redis). */
    REDIS_URL: z.string().url().optional(),
    /** Prefix of the Redis keys and channels; must equal the control plane's. */
    SLIPWAY_QUEUE_PREFIX: z.string().min(1).default("slipway"),
    /** Where request logs go instead of DATABASE_URL (a separate log database). */
    SENTINEL_REQUEST_LOG_DATABASE_URL: z.string().min(1).optional(),
    /** Without a database: a JSON ConfigSnapshot file (development). */
    SENTINEL_CONFIG_FILE: z.string().min(1).optional(),
    /** With a kubeconfig, instances come from EndpointSlices; without, from the config file. */
    KUBECONFIG: z.string().min(1).optional(),
    /** Set by Kubernetes in every pod: in a cluster, instances come from EndpointSlices too. */
    KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
    /**
     * Inside a cluster: instances from EndpointSlices, read with the pod's ServiceAccount token
     * (what the Helm chart sets; no kubeconfig there).
     */
    SENTINEL_IN_CLUSTER: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /**
     * Watch EndpointSlices in this namespace only (the control plane's apps namespace), so
     * Sentinel's RBAC can be a Role there; all namespaces when unset.
     */
    SLIPWAY_APPS_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a namespace name")
      .max(63)
      .optional(),
    /**
     * Without a kubeconfig and with a database: fixed instances per deployment id, as JSON
     * (`{"dep_1":[{"id":"a","address":"127.0.0.1","port":3000,"region":"eu-1"}]}`).
     */
    SENTINEL_INSTANCES: z.string().min(1).optional(),
    SENTINEL_HEADERS_TIMEOUT_MS: ms(10_000),
    SENTINEL_REQUEST_TIMEOUT_MS: ms(300_000),
    SENTINEL_KEEP_ALIVE_TIMEOUT_MS: ms(5_000),
    SENTINEL_UPSTREAM_KEEP_ALIVE_MS: ms(4_000),
    SENTINEL_UPSTREAM_CONNECT_TIMEOUT_MS: ms(3_000),
    SENTINEL_UPSTREAM_HEADERS_TIMEOUT_MS: ms(60_000),
    SENTINEL_UPSTREAM_BODY_TIMEOUT_MS: ms(300_000),
    SENTINEL_DRAIN_TIMEOUT_MS: ms(25_000),
    SENTINEL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /**
     * The control plane, asked to start an idle deployment that got a request
     * (`/internal/sentinel/wakeDeployment`). Without it a deployment with no instance is a 503.
     */
    SENTINEL_CONTROL_PLANE_URL: z.url().optional(),
    /** The control plane's `SLIPWAY_SENTINEL_TOKEN`. */
    SENTINEL_CONTROL_PLANE_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
    /** Longest a request waits for a woken deployment's first ready instance. */
    SENTINEL_WAKE_TIMEOUT_MS: ms(30_000),
    /** A deployment's last-request time is written at most this often per Sentinel process. */
    SENTINEL_LAST_REQUEST_INTERVAL_MS: ms(10_000),
    /** Worker processes (node:cluster); 1 serves in the main process. Default: one per core. */
    SENTINEL_WORKERS: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
    /** The admin port: /metrics (Prometheus), /healthz, /readyz. Never the traffic port. */
    SENTINEL_ADMIN_HOST: z.string().default("0.0.0.0"),
    SENTINEL_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  })
  .superRefine((value, ctx) => {
    if ((value.DATABASE_URL === undefined) === (value.SENTINEL_CONFIG_FILE === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "set exactly one of DATABASE_URL (the control plane's) and SENTINEL_CONFIG_FILE",
      });
    }
    if (value.DATABASE_URL !== undefined && value.REDIS_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_URL"],
        message: "is required with DATABASE_URL (ratelimits, credits, key changes)",
      });
    }
  });

export type SentinelEnv = z.output<typeof configSchema>;

/** The wake settings, or a message naming what is missing when only half are set. */
function checkWakeSettings(env: SentinelEnv): string | undefined {
  const url = env.SENTINEL_CONTROL_PLANE_URL !== undefined;
  const token = env.SENTINEL_CONTROL_PLANE_TOKEN !== undefined;
  if (url === token) return undefined;
  return url
    ? "  SENTINEL_CONTROL_PLANE_TOKEN: required with SENTINEL_CONTROL_PLANE_URL"
    : "  SENTINEL_CONTROL_PLANE_URL: required with SENTINEL_CONTROL_PLANE_TOKEN";
}

/**
 * Instances come from the cluster's EndpointSlices: with a kubeconfig, when told it runs in a
 * cluster (`SENTINEL_IN_CLUSTER`, what the Helm chart sets), or in a pod (its ServiceAccount)
 * unless fixed instances are named; otherwise from the fixed ones.
 */
export function watchesCluster(
  env: Pick<
    SentinelEnv,
    "KUBECONFIG" | "SENTINEL_IN_CLUSTER" | "KUBERNETES_SERVICE_HOST" | "SENTINEL_INSTANCES"
  >,
): boolean {
  if (env.KUBECONFIG !== undefined || env.SENTINEL_IN_CLUSTER) return true;
  return env.KUBERNETES_SERVICE_HOST !== undefined && env.SENTINEL_INSTANCES === undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the environment once at boot; the error names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): SentinelEnv {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    const problem = checkWakeSettings(parsed.data);
    if (problem) throw new ConfigError(`invalid configuration:\n${problem}`);
    return parsed.data;
  }
  const problems = parsed.error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(config)"}: ${issue.message}`,
  );
  throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
}
