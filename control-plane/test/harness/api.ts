import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { Unkey } from "@unkey/api";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { expect, inject } from "vitest";
import { buildApp } from "../../src/app.js";
import type { Clock } from "../../src/clock.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { JobQueues } from "../../src/jobs/queues.js";
import { logOptions } from "../../src/logging/log-options.js";
import { makePlatformClients } from "../../src/platform-clients.js";
import type { DnsLookup } from "../../src/services/dns-resolver.js";
import { createWorkspaceWithRootKey } from "../../src/services/workspaces.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface TestWorkspace {
  workspaceId: string;
  rootKey: string;
  sdk: Unkey;
}

export interface TestApi {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** Every line the server logged, for tests that prove what never reaches a log. */
  logLines: string[];
  /** Values the harness teardown proves never appeared in a log line (checked when the file ends). */
  secrets: Set<string>;
  newWorkspace(name?: string, permissions?: string[]): Promise<TestWorkspace>;
  post(
    path: string,
    body: unknown,
    rootKey?: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

export interface TestApiOptions {
  clock?: Clock;
  queues?: JobQueues;
  dns?: DnsLookup;
  env?: Record<string, string>;
  /** Give the API a Redis connection (the keys endpoints need one: verifier, invalidation). */
  redis?: boolean;
}

/**
 * The real server on a real port, over a database of this file's own, with the log captured.
 * The SDK talks to it over HTTP exactly as it would to Unkey.
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: inject("redisUrl"),
    SLIPWAY_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    LOG_LEVEL: "trace",
    // A dashboard build in the checkout is not read and compressed by every test file's API.
    SLIPWAY_DASHBOARD_DIR: "off",
    ...options.env,
  });
  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const clients = makePlatformClients(config);
  const redis = options.redis
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 })
    : undefined;
  const app = await buildApp({
    config,
    clients,
    db: database.db,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.dns ? { dns: options.dns } : {}),
    ...(options.queues ? { queues: options.queues } : {}),
    ...(redis ? { redis } : {}),
    logger: { ...logOptions("trace"), stream },
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const secrets = new Set<string>();

  onHarnessTeardown(async () => {
    await app.close();
    redis?.disconnect();
    const leaked = [...secrets].filter((secret) => logLines.some((line) => line.includes(secret)));
    expect(leaked, "secrets found in the server log").toEqual([]);
  });

  return {
    url,
    app,
    database,
    config,
    logLines,
    secrets,
    async newWorkspace(name = "test", permissions = ["*"]) {
      const created = await createWorkspaceWithRootKey(database.db, { name, permissions });
      secrets.add(created.rootKey);
      return {
        workspaceId: created.workspaceId,
        rootKey: created.rootKey,
        sdk: new Unkey({
          rootKey: created.rootKey,
          serverURL: url,
          retryConfig: { strategy: "none" },
        }),
      };
    },
    post(path, body, rootKey, headers = {}) {
      return fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(rootKey ? { authorization: `Bearer ${rootKey}` } : {}),
          ...headers,
        },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
  };
}
