import { describe, expect, it } from "vitest";
import { isIdle, parseLastRequest } from "./idle-decision.js";

const hour = 3_600_000;
const readyAt = new Date(Date.UTC(2026, 0, 1, 12));
const at = (ms: number) => new Date(readyAt.getTime() + ms);

describe("when a ready preview is idle", () => {
  it.each([
    ["never requested, ready for less than the threshold", undefined, at(hour - 1), false],
    ["never requested, ready for exactly the threshold", undefined, at(hour), true],
    ["requested recently", at(90 * 60_000).getTime(), at(2 * hour), false],
    ["last request older than the threshold", at(10 * 60_000).getTime(), at(2 * hour), true],
    ["last request from before it became ready", at(-5 * hour).getTime(), at(hour - 1), false],
  ])("%s", (_case, lastRequestAt, now, idle) => {
    expect(isIdle({ readyAt, lastRequestAt }, now, hour)).toBe(idle);
  });
});

describe("reading a last-request time from Redis", () => {
  it.each([
    ["1767268800000", 1767268800000],
    [null, undefined],
    ["", undefined],
    ["-1", undefined],
    ["12e3", undefined],
    ["9".repeat(40), undefined],
  ])("%j → %j", (value, parsed) => {
    expect(parseLastRequest(value)).toBe(parsed);
  });
});
