import { describe, expect, it } from "vitest";
import { formatStepTable, stepRows } from "./step-timeline.js";

describe("stepRows", () => {
  it("measures each step between the moments it lies between, and the total", () => {
    const rows = stepRows(
      {
        started: 1_000,
        queued: 1_100,
        buildStarted: 1_300,
        exportStarted: 3_300,
        pushed: 3_800,
        crApplied: 4_000,
        podReady: 6_000,
        first200: 6_250,
      },
      "webhook",
    );
    expect(rows.map((row) => [row.step, row.ms])).toEqual([
      ["webhook → queued", 100],
      ["queued → build starts", 200],
      ["build (until export)", 2_000],
      ["push (export + push)", 500],
      ["pushed → CR applied", 200],
      ["CR applied → pod Ready", 2_000],
      ["pod Ready → first 200", 250],
      ["total: first 200", 5_250],
    ]);
  });

  it("leaves a step it could not observe unknown instead of inventing it", () => {
    const rows = stepRows({ started: 0, queued: 10, first200: 900 }, "deploy");
    expect(rows.find((row) => row.step === "CR applied → pod Ready")?.ms).toBeUndefined();
    expect(rows.at(-1)?.ms).toBe(900);
    expect(formatStepTable([{ title: "run", rows }])).toContain("?");
  });
});
