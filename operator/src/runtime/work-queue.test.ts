import { afterEach, describe, expect, it, vi } from "vitest";
import { WorkQueue } from "./work-queue.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("WorkQueue", () => {
  it("drops duplicate keys", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");
    expect(queue.depth).toBe(2);
    expect(await queue.get()).toBe("ns/a");
    expect(await queue.get()).toBe("ns/b");
  });

  it("never hands a key in progress to a second worker, and re-queues it when done", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    const key = await queue.get();
    queue.add("ns/a");
    expect(queue.depth).toBe(0);
    queue.done(key!);
    expect(queue.depth).toBe(1);
    expect(await queue.get()).toBe("ns/a");
  });

  it("backs off exponentially per key, capped, and forgets on success", () => {
    vi.useFakeTimers();
    const queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    expect([1, 2, 3, 4, 5].map(() => queue.addRateLimited("ns/a"))).toEqual([10, 20, 40, 50, 50]);
    expect(queue.addRateLimited("ns/b")).toBe(10);
    queue.forget("ns/a");
    expect(queue.addRateLimited("ns/a")).toBe(10);
  });

  it("adds delayed keys when their time comes; an earlier add wins", async () => {
    vi.useFakeTimers();
    const queue = new WorkQueue();
    queue.addAfter("ns/a", 1000);
    queue.addAfter("ns/a", 100);
    vi.advanceTimersByTime(99);
    expect(queue.depth).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.depth).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(queue.depth).toBe(1);
  });

  it("releases waiting workers on shutdown", async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutdown();
    expect(await waiting).toBeUndefined();
  });
});
