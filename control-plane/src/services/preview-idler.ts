import { lastRequestKey } from "@slipway/shared/gateway";
import type { Redis } from "ioredis";
import type { Database } from "../db/client.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { parseLastRequest } from "../deployments/idle-decision.js";
import { idlePreviews } from "../deployments/idle-previews.js";
import type { FollowUpQueues } from "../jobs/queues.js";

export interface PreviewIdlerDependencies {
  db: Database;
  redis: Pick<Redis, "mget">;
  /** The Redis key prefix Sentinel writes last-request times under (`<queue prefix>:`). */
  redisPrefix: string;
  jobs: FollowUpQueues | undefined;
  clock: () => Date;
  idleAfterMs: number;
}

/** Who the audit log names for a preview idled for want of requests. */
export const PREVIEW_IDLER_ACTOR = { type: "system", id: "preview-idler" } as const;

/** One pass: idles what is due, then sends the power jobs that scale those CRs to zero. */
export async function runPreviewIdlePass(deps: PreviewIdlerDependencies): Promise<string[]> {
  const { idled, followUps } = await idlePreviews(deps.db, {
    at: deps.clock(),
    idleAfterMs: deps.idleAfterMs,
    by: { actor: PREVIEW_IDLER_ACTOR },
    lastRequests: async (ids) => {
      const values = await deps.redis.mget(ids.map((id) => lastRequestKey(deps.redisPrefix, id)));
      const times = new Map<string, number>();
      ids.forEach((id, i) => {
        const time = parseLastRequest(values[i]);
        if (time !== undefined) times.set(id, time);
      });
      return times;
    },
  });
  await enqueueFollowUps(deps.jobs, followUps);
  return idled;
}

/**
 * Runs a pass every `intervalMs` (never two at once). Any number of workers may run it: the
 * lifecycle's compare-and-swap lets exactly one idle each preview.
 */
export function startPreviewIdler(
  deps: PreviewIdlerDependencies & { onError: (error: unknown) => void },
  intervalMs: number,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runPreviewIdlePass(deps)
      .catch(deps.onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
