import type { RequestLogEntry, SlipwayApi } from "../api/slipway-api.js";

/** Pages read per poll at most: a burst bigger than this is summarised, not read whole. */
const maxPagesPerPoll = 20;

/**
 * Pure: the entries of a poll not printed yet, oldest first. Reads start at the newest time
 * already printed (inclusive, as several requests share a millisecond), so ids seen at that
 * time are dropped.
 */
export function unseenOldestFirst(
  entries: readonly RequestLogEntry[],
  seenAtNewest: ReadonlySet<string>,
): RequestLogEntry[] {
  return entries.filter((entry) => !seenAtNewest.has(entry.id)).sort((a, b) => a.time - b.time);
}

/**
 * `slipway requests --follow`: prints what is there, then asks again every `pollMs` for what
 * came since, paging through the API's cursor, until `stopped()` says so.
 */
export async function followRequests(input: {
  api: SlipwayApi;
  filter: Record<string, unknown>;
  since: number;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  stopped: () => boolean;
  print: (entry: RequestLogEntry) => void;
}): Promise<void> {
  let newest = input.since;
  let seenAtNewest = new Set<string>();
  while (!input.stopped()) {
    const entries: RequestLogEntry[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPagesPerPoll; page++) {
      const answer = await input.api.listRequestLogs({
        ...input.filter,
        since: newest,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      entries.push(...answer.entries);
      cursor = answer.cursor;
      if (!answer.hasMore || !cursor) break;
    }
    const fresh = unseenOldestFirst(entries, seenAtNewest);
    for (const entry of fresh) input.print(entry);
    const last = fresh.at(-1);
    if (last) {
      if (last.time > newest) seenAtNewest = new Set();
      newest = last.time;
      for (const entry of fresh) if (entry.time === newest) seenAtNewest.add(entry.id);
    }
    await input.sleep(input.pollMs);
  }
}
