import type { RequestLogReader } from "@slipway/request-logs";
import type { AccessCheck } from "../access/permissions.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { EnvVarCipher } from "../crypto/env-var-cipher.js";
import type { Database } from "../db/client.js";
import type { Actor } from "../db/repositories/audit-log-repository.js";
import type { GitHubSource } from "../github/github-source.js";
import type { JobQueues } from "../jobs/queues.js";
import type { KeyRuntime } from "../key-verification.js";
import type { DnsLookup } from "./dns-resolver.js";

/** Everything a domain service needs for one call: who, in which workspace, with what. */
export interface ServiceContext {
  db: Database;
  workspaceId: string;
  /** Throws `forbidden` unless the root key may act on the owner of an object. */
  access: AccessCheck;
  actor: Actor;
  requestId: string | undefined;
  clock: Clock;
  cipher: EnvVarCipher;
  dns: DnsLookup;
  /** Background jobs (builds, rollouts, reporting to GitHub); absent where no queue is configured. */
  jobs: Pick<JobQueues, "enqueue" | "announceCancellation"> | undefined;
  config: Pick<
    Config,
    | "SLIPWAY_REGIONS"
    | "SLIPWAY_DOMAIN_TARGET"
    | "SLIPWAY_APP_URL_SCHEME"
    | "SLIPWAY_APP_URL_PORT"
    | "SLIPWAY_PREVIEW_DOMAIN"
  >;
  /** The App's read access to repositories (resolving branches for manual deploys). */
  githubSource?: GitHubSource | undefined;
  /** The process's key verifier; absent without Redis (the keys endpoints then answer 503). */
  keys?: KeyRuntime | undefined;
  /** Where Sentinel's request logs are read from (PostgreSQL today, a column store later). */
  requestLogs: RequestLogReader;
}
