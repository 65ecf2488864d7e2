import { describe, expect, it } from "vitest";
import { dayOfPartition, planPartitions } from "./partition-plan.js";

const at = (iso: string) => Date.parse(iso);
const policy = { retentionDays: 7, daysAhead: 2 };

describe("planPartitions", () => {
  it("creates yesterday, today and the days ahead on an empty table", () => {
    const plan = planPartitions([], at("2026-12-02T14:00:00Z"), policy);
    expect(plan.create.map((p) => p.name)).toEqual([
      "request_logs_p20261201",
      "request_logs_p20261202",
      "request_logs_p20261203",
      "request_logs_p20261204",
    ]);
    expect(plan.create[1]).toEqual({
      name: "request_logs_p20261202",
      from: "2026-12-02T00:00:00.000Z",
      to: "2026-12-03T00:00:00.000Z",
    });
    expect(plan.drop).toEqual([]);
  });

  it("drops only days whose end is past retention and ignores tables that are not ours", () => {
    const existing = [
      "request_logs_p20261124", // ends 11-25 00:00, more than 7 days before 12-02 14:00: dropped
      "request_logs_p20261125", // ends 11-26 00:00, less than 7 days ago: kept
      "request_logs_p20261201",
      "request_logs_p20261202",
      "request_logs_p20261203",
      "request_logs_p20261204",
      "request_logs_default",
      "request_logs_p20261399",
    ];
    const plan = planPartitions(existing, at("2026-12-02T14:00:00Z"), policy);
    expect(plan).toEqual({ create: [], drop: ["request_logs_p20261124"] });
  });

  it("is steady: applying a plan and planning again changes nothing", () => {
    const now = at("2026-12-02T23:59:59Z");
    const first = planPartitions(["request_logs_p20261101"], now, policy);
    const after = ["request_logs_p20261101", ...first.create.map((p) => p.name)].filter(
      (name) => !first.drop.includes(name),
    );
    expect(planPartitions(after, now, policy)).toEqual({ create: [], drop: [] });
  });

  it("keeps a one-day retention's yesterday until it is a full day old", () => {
    const plan = planPartitions([], at("2026-12-02T00:30:00Z"), { retentionDays: 1, daysAhead: 0 });
    expect(plan.create.map((p) => p.name)).toEqual([
      "request_logs_p20261201",
      "request_logs_p20261202",
    ]);
  });
});

describe("dayOfPartition", () => {
  it("reads our names only", () => {
    expect(dayOfPartition("request_logs_p20261202")).toBe(at("2026-12-02T00:00:00Z"));
    expect(dayOfPartition("request_logs_p20260230")).toBeUndefined();
    expect(dayOfPartition("request_logs")).toBeUndefined();
  });
});
