import { describe, expect, it } from "vitest";
import { ProgressTracker } from "./progress.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const RUN = "sha256:run";

describe("ProgressTracker", () => {
  it("emits started, log lines (joined across chunks, redacted) and finished", () => {
    const tracker = new ProgressTracker((text) => text.replaceAll("hunter2", "***"));
    const events = [
      ...tracker.feedLine(
        JSON.stringify({
          vertexes: [{ digest: RUN, name: "[2/2] RUN make", started: "2026-01-01T00:00:00Z" }],
        }),
      ),
      ...tracker.feedLine(
        JSON.stringify({
          logs: [
            { vertex: RUN, stream: 1, data: b64("hello hun"), timestamp: "2026-01-01T00:00:01Z" },
          ],
        }),
      ),
      ...tracker.feedLine(
        JSON.stringify({
          logs: [
            { vertex: RUN, stream: 2, data: b64("oops\n"), timestamp: "2026-01-01T00:00:01Z" },
          ],
        }),
      ),
      ...tracker.feedLine(
        JSON.stringify({
          logs: [
            { vertex: RUN, stream: 1, data: b64("ter2\nbye\n"), timestamp: "2026-01-01T00:00:02Z" },
          ],
        }),
      ),
      ...tracker.feedLine(
        JSON.stringify({
          vertexes: [
            {
              digest: RUN,
              name: "[2/2] RUN make",
              started: "2026-01-01T00:00:00Z",
              completed: "2026-01-01T00:00:03Z",
            },
          ],
        }),
      ),
      ...tracker.feedLine("not json"),
    ];
    expect(events).toEqual([
      { type: "step_started", stepId: RUN, name: "[2/2] RUN make", at: "2026-01-01T00:00:00Z" },
      { type: "log", stepId: RUN, stream: "stderr", line: "oops", at: "2026-01-01T00:00:01Z" },
      { type: "log", stepId: RUN, stream: "stdout", line: "hello ***", at: "2026-01-01T00:00:02Z" },
      { type: "log", stepId: RUN, stream: "stdout", line: "bye", at: "2026-01-01T00:00:02Z" },
      {
        type: "step_finished",
        stepId: RUN,
        name: "[2/2] RUN make",
        at: "2026-01-01T00:00:03Z",
        cached: false,
      },
    ]);
    expect(tracker.timings()).toEqual([{ name: "[2/2] RUN make", cached: false, seconds: 3 }]);
  });

  it("reports cached steps and the failed step with its last lines", () => {
    const tracker = new ProgressTracker((text) => text);
    tracker.feed({
      vertexes: [
        {
          digest: "a",
          name: "[1/2] FROM base",
          started: "2026-01-01T00:00:00Z",
          completed: "2026-01-01T00:00:00Z",
          cached: true,
        },
        { digest: "b", name: "[2/2] RUN false", started: "2026-01-01T00:00:00Z" },
      ],
      logs: [
        { vertex: "b", stream: 1, data: b64("about to fail\n"), timestamp: "2026-01-01T00:00:01Z" },
      ],
    });
    tracker.feed({
      vertexes: [
        { digest: "b", completed: "2026-01-01T00:00:02Z", error: "process did not complete" },
      ],
    });
    expect(tracker.timings().map((t) => t.cached)).toEqual([true, false]);
    expect(tracker.failedStep()).toEqual({
      name: "[2/2] RUN false",
      error: "process did not complete",
      logTail: ["about to fail"],
    });
  });

  it("flushes a last line without newline", () => {
    const tracker = new ProgressTracker((text) => text);
    tracker.feed({ logs: [{ vertex: "v", stream: 1, data: b64("no newline"), timestamp: "t" }] });
    expect(tracker.flush("end")).toEqual([
      { type: "log", stepId: "v", stream: "stdout", line: "no newline", at: "end" },
    ]);
  });
});
