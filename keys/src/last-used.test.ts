import { describe, expect, it } from "vitest";
import { createLastUsedTracker } from "./last-used.js";

describe("last-used tracker", () => {
  it("queues a key once per interval however often it verifies", () => {
    let now = 1_000_000;
    const tracker = createLastUsedTracker({ minIntervalMs: 60_000, now: () => now });
    for (let i = 0; i < 1000; i++) tracker.touch("key_a");
    tracker.touch("key_b");
    expect(tracker.take()).toEqual([
      { keyId: "key_a", usedAt: 1_000_000 },
      { keyId: "key_b", usedAt: 1_000_000 },
    ]);
    now += 59_999;
    tracker.touch("key_a");
    expect(tracker.take()).toEqual([]);
    now += 1;
    tracker.touch("key_a");
    expect(tracker.take()).toEqual([{ keyId: "key_a", usedAt: 1_060_000 }]);
  });

  it("stays bounded: beyond maxKeys the oldest are forgotten and no more are queued", () => {
    const tracker = createLastUsedTracker({ maxKeys: 3, now: () => 5 });
    for (const keyId of ["a", "b", "c", "d", "e"]) tracker.touch(keyId);
    expect(tracker.pendingCount).toBe(3);
    expect(tracker.take().map((use) => use.keyId)).toEqual(["a", "b", "c"]);
    // "a" and "b" were forgotten, so they are queued again at once.
    tracker.touch("a");
    expect(tracker.take().map((use) => use.keyId)).toEqual(["a"]);
  });
});
