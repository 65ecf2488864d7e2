import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { Redis } from "ioredis";
import { inject } from "vitest";

/** A client of the run's Redis, closed when the file finishes. */
export function connectRedis(): Redis {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
  onHarnessTeardown(() => redis.disconnect());
  return redis;
}
