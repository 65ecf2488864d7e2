import { Redis } from "ioredis";
import { afterAll, inject } from "vitest";

/** A client of the run's Redis, closed when the file finishes. */
export function connectRedis(): Redis {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
  afterAll(() => redis.disconnect());
  return redis;
}
