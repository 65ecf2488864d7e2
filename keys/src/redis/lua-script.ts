import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by its SHA-1, loaded on the first NOSCRIPT (a restarted Redis forgets it). */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function defineLuaScript(source: string): LuaScript {
  const sha = createHash("sha1").update(source).digest("hex");
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
