import { type BuilderSettings, readBuilderSettings } from "@slipway/builder";
import { InvalidSettingError } from "@slipway/shared/tool-errors";
import { z } from "zod";
import { queueNames } from "./jobs/job-types.js";

/** A data-key-wrapping master key: `v<version>:<base64 of 32 bytes>`. */
const encryptionKeySchema = z
  .string()
  .regex(/^v\d+:[A-Za-z0-9+/=]+$/, "each key must look like v1:<base64 of 32 bytes>")
  .transform((entry, ctx) => {
    const [versionText, encoded] = entry.split(":") as [string, string];
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) {
      ctx.addIssue({
        code: "custom",
        message: `key ${versionText} is ${key.length} bytes, not 32`,
      });
      return z.NEVER;
    }
    return { version: Number(versionText.slice(1)), key };
  });

const configSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Comma-separated master keys, newest first. New values are sealed with the first; older
   * versions stay so existing values can still be opened after a rotation.
   */
  SLIPWAY_ENCRYPTION_KEYS: z
    .string()
    .min(1)
    .transform((value) => value.split(",").map((part) => part.trim()))
    .pipe(z.array(encryptionKeySchema).min(1)),
  /** Regions a workspace may deploy to; the first is the default of new environments. */
  SLIPWAY_REGIONS: z
    .string()
    .default("eu-1,us-1")
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)).min(1)),
  /** Hostname that custom domains point their CNAME/ALIAS record at. */
  SLIPWAY_DOMAIN_TARGET: z.string().default("edge.slipway.local"),
  /**
   * How often, in seconds, a verified domain's TXT record is looked up again (default 1 h);
   * a domain whose record is gone loses its verification.
   */
  SLIPWAY_DOMAIN_RECHECK_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  /**
   * The credential Sentinel sends to `/internal/sentinel/wakeDeployment` (at least 32
   * characters; the same value as Sentinel's). Without it that endpoint answers 401.
   */
  SLIPWAY_SENTINEL_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** A ready preview with no request for this long scales to zero and reads `idle`. */
  SLIPWAY_PREVIEW_IDLE_AFTER_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** How often the worker looks for previews to idle. */
  SLIPWAY_PREVIEW_IDLE_CHECK_MS: z.coerce.number().int().min(1000).default(60_000),
  /** The GitHub App's webhook secret; without it `/webhooks/github` answers 503. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  GITHUB_APP_ID: z.string().regex(/^\d+$/, "must be the numeric App ID").optional(),
  /** The App's private key (PEM); `\n` escapes are accepted for one-line env files. */
  GITHUB_PRIVATE_KEY: z
    .string()
    .min(1)
    .transform((value) => value.replace(/\\n/g, "\n"))
    .optional(),
  /** The App's URL name: installs start at https://github.com/apps/<slug>/installations/new. */
  GITHUB_APP_SLUG: z
    .string()
    .regex(/^[a-z0-9-]+$/, "must be the App's URL name")
    .optional(),
  /**
   * The App's OAuth client (its "Client ID" and a client secret), with "Request user
   * authorization during installation" on: the setup callback verifies with them that the person
   * finishing an install may access that installation. Without them installs are refused.
   */
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** GitHub's web address, for the install link. */
  GITHUB_WEB_URL: z.string().url().default("https://github.com"),
  /** GitHub's REST API; tests point it at their fake GitHub. */
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  /** Largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB). */
  GITHUB_WEBHOOK_BODY_LIMIT: z.coerce.number().int().min(1024).default(26_214_400),
  /**
   * How long, in seconds, a push (or pull request event) is remembered by what it is, so the
   * same signed payload sent again under a new delivery id deploys nothing (default 24 h).
   */
  GITHUB_REPLAY_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
  /**
   * The release this process is, reported by `/readyz`: Slipway's images set it at build time
   * (the git SHA from `npm run images`), so an upgrade shows which version answers.
   */
  SLIPWAY_VERSION: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, "must be a version or a git SHA")
    .default("dev"),
  /** Redis key prefix of the job queues; installs sharing a Redis use different ones. */
  SLIPWAY_QUEUE_PREFIX: z.string().min(1).default("slipway"),
  /**
   * How long a worker holds a job before others may take it over. A worker killed mid-job
   * frees its jobs after this long; shorter means faster recovery and more lock renewals.
   */
  SLIPWAY_JOB_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Builds running at once per workspace; production deployments get a free slot first. */
  SLIPWAY_BUILD_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Days of Sentinel's request logs kept (issue 14). Storage is one partition per UTC day,
   * dropped as a whole once all of it is older than this.
   */
  SLIPWAY_REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(7),
  /**
   * CPU niceness `npm run worker` gives itself at start (0–19, default 10): on a machine it
   * shares with the API, PostgreSQL and Redis, webhook acks and API calls go first and the
   * jobs take the CPU left over. 0 keeps the priority it was started with.
   */
  SLIPWAY_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Queues this process works on, comma-separated (default: all). E.g. `builds` on machines
   * next to buildkitd, `github,deployments` elsewhere, `none` for an API that only enqueues.
   */
  SLIPWAY_WORKER_QUEUES: z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? undefined
        : value.trim() === "none"
          ? []
          : value.split(",").map((part) => part.trim()),
    )
    .pipe(z.array(z.enum(queueNames)).optional()),
  /**
   * Longest a request may take from its first byte to its last, body included (a slow or
   * stalled upload is cut off then); the headers must arrive within a fifth of it.
   */
  SLIPWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** A connection with no bytes in either direction for this long is closed. */
  SLIPWAY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Largest request body the API reads, in bytes. */
  SLIPWAY_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  /** Largest source tarball a CLI deploy may upload, in bytes. */
  SLIPWAY_SOURCE_UPLOAD_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_073_741_824)
    .default(104_857_600),
  /**
   * Bytes of uploaded source a workspace may have stored at once, waiting to be built (an
   * upload is deleted when its build ends).
   */
  SLIPWAY_SOURCE_UPLOAD_QUOTA: z.coerce.number().int().min(1024).default(524_288_000),
  /**
   * Namespace the deploy step applies every app's `Deployment.slipway.dev` CR and env Secret
   * in. One namespace for all apps: object names carry the deployment id, so they never clash,
   * and the operator and Sentinel need to watch only this one.
   */
  SLIPWAY_APPS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a DNS label")
    .max(63)
    .default("slipway-apps"),
  /**
   * Every deployment gets `<app>-<deployment>.<domain>`; previews also `<app>-git-<branch>-<hash>.<domain>`;
   * production also `<app>-<environment>-<hash>.<domain>`, which follows promote and rollback.
   * `npm start` uses `slipway.localhost`: `.localhost` names resolve to loopback without DNS.
   */
  SLIPWAY_PREVIEW_DOMAIN: z
    .string()
    .regex(
      /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
      "must be a DNS name",
    )
    .max(180)
    .default("preview.slipway.local"),
  /**
   * How people reach apps through Sentinel, for the `urls` a deployment lists: the scheme, and
   * the port when Sentinel does not listen on the scheme's own (`npm start`: http and 8080).
   */
  SLIPWAY_APP_URL_SCHEME: z.enum(["http", "https"]).default("https"),
  SLIPWAY_APP_URL_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * What ratelimits (`ratelimit.limit`, verifyKey's) and credits answer when Redis is down or
   * slow: `open` admits (the default), `closed` refuses. Either way it is counted and logged.
   */
  SLIPWAY_RATELIMIT_WHEN_REDIS_FAILS: z.enum(["open", "closed"]).default("open"),
  /** How long the deploy step waits for a rollout to become Ready before failing it. */
  SLIPWAY_DEPLOY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(600_000),
  /**
   * Where people reach Slipway, e.g. `https://slipway.example.com`: GitHub deployments and pull
   * request comments link a deployment's log at `<url>/deployments/<id>/logs`. Unset, no links.
   */
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  /** How long a dashboard session lasts from sign-in, in seconds (default 12 h; not sliding). */
  SLIPWAY_SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(12 * 3600),
  /** Dashboard sessions a workspace may hold at once; a new sign-in ends the oldest beyond it. */
  SLIPWAY_SESSIONS_PER_WORKSPACE: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * The dashboard's build (`dashboard/dist` of this repository by default), served at `/` when
   * the directory has an `index.html`; read and compressed once at start. `off`: never served.
   */
  SLIPWAY_DASHBOARD_DIR: z.string().min(1).optional(),
  /** The cluster deployments roll out to: a kubeconfig file, or the pod's own service account. */
  KUBECONFIG: z.string().min(1).optional(),
  KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
  KUBERNETES_SERVICE_PORT: z.string().regex(/^\d+$/).optional(),
});

export type Config = z.output<typeof configSchema> & {
  /** The builder's settings (SLIPWAY_BUILDKIT_ADDR, SLIPWAY_REGISTRY, …), read by the builder's own rules. */
  builder: BuilderSettings;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Validates the environment once at boot; the message names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map(
        (issue) => `  ${issue.path.join(".") || "(config)"}: ${issue.message}`,
      );
  let builder: BuilderSettings | undefined;
  try {
    builder = readBuilderSettings(env);
  } catch (error) {
    if (!(error instanceof InvalidSettingError)) throw error;
    problems.push(`  ${error.message}`);
  }
  if (!parsed.success || !builder) {
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  return { ...parsed.data, builder };
}
