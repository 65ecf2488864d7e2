import type { BuildEvent, BuildRequest, BuildResult } from "@slipway/shared";
import { type BuilderDeps, runBuild } from "./run-build.js";

/**
 * The same build as an async iterator of events, for a pipeline that stores them as they come;
 * `result` settles when the build ends (and rejects with its BuildError).
 */
export function buildEvents(
  request: BuildRequest,
  deps: BuilderDeps,
  signal?: AbortSignal,
): { events: AsyncIterable<BuildEvent>; result: Promise<BuildResult> } {
  const queue: BuildEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const result = runBuild(request, deps, {
    ...(signal ? { signal } : {}),
    onEvent: (event) => {
      queue.push(event);
      wake?.();
    },
  }).finally(() => {
    done = true;
    wake?.();
  });
  // The iterator never throws: the outcome belongs to `result`.
  result.catch(() => undefined);
  const events: AsyncIterable<BuildEvent> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (done) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
  return { events, result };
}
