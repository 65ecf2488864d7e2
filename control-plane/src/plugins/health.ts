import { sql } from "drizzle-orm";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";

/**
 * `/v2/liveness` answers while the process runs (Unkey's path); `/readyz` also proves the
 * database and Redis answer, so an orchestrator sends traffic only to an instance that can serve it.
 * `/readyz` also names the release answering (`SLIPWAY_VERSION`), e.g. to watch an upgrade.
 */
export const healthPlugin = fp<{ redis: Redis | undefined; version: string }>(
  async (app, options) => {
    app.get("/v2/liveness", { schema: { hide: true } }, async (request) => ({
      meta: { requestId: request.id },
      data: { message: "OK" },
    }));
    app.get("/readyz", { schema: { hide: true } }, async (request, reply) => {
      const checks: Record<string, string> = {};
      try {
        await app.db.execute(sql`select 1`);
        checks.database = "ok";
      } catch {
        checks.database = "unreachable";
      }
      if (options.redis) {
        try {
          await options.redis.ping();
          checks.redis = "ok";
        } catch {
          checks.redis = "unreachable";
        }
      }
      const ready = Object.values(checks).every((value) => value === "ok");
      reply.status(ready ? 200 : 503);
      return { meta: { requestId: request.id }, data: { ready, checks, version: options.version } };
    });
  },
  { name: "health", dependencies: ["database"] },
);
