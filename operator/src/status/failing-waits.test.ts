import { describe, expect, it } from "vitest";
import { judgeWaits, notReadySince, type WaitingPod } from "./failing-waits.js";

const now = new Date("2026-12-02T12:00:30Z");
const grace = 30_000;

const waiting = (
  name: string,
  reason: string,
  stamps: { notReady?: string; start?: string; created?: string } = {},
): WaitingPod => ({
  metadata: { name, ...(stamps.created ? { creationTimestamp: stamps.created } : {}) },
  status: {
    ...(stamps.start ? { startTime: stamps.start } : {}),
    conditions: stamps.notReady
      ? [{ type: "Ready", status: "False", lastTransitionTime: stamps.notReady }]
      : [],
    containerStatuses: [{ state: { waiting: { reason } } }],
  },
});

describe("judgeWaits", () => {
  const cases: [string, WaitingPod[], string[], number | undefined][] = [
    ["no pods", [], [], undefined],
    [
      "CrashLoopBackOff fails at once",
      [waiting("p", "CrashLoopBackOff", { notReady: "2026-12-02T12:00:29Z" })],
      ["p: CrashLoopBackOff"],
      undefined,
    ],
    [
      "InvalidImageName fails at once",
      [waiting("p", "InvalidImageName", { notReady: "2026-12-02T12:00:30Z" })],
      ["p: InvalidImageName"],
      undefined,
    ],
    [
      "CreateContainerConfigError 10 s in: not yet, look again in 20 s",
      [waiting("p", "CreateContainerConfigError", { notReady: "2026-12-02T12:00:20Z" })],
      [],
      20_000,
    ],
    [
      "CreateContainerConfigError exactly at the grace: failing",
      [waiting("p", "CreateContainerConfigError", { notReady: "2026-12-02T12:00:00Z" })],
      ["p: CreateContainerConfigError for over 30 s"],
      undefined,
    ],
    [
      "ErrImagePull past the grace, measured from startTime without a Ready condition",
      [waiting("p", "ErrImagePull", { start: "2026-12-02T11:59:00Z" })],
      ["p: ErrImagePull for over 30 s"],
      undefined,
    ],
    [
      "ImagePullBackOff measured from creation when nothing else is known",
      [waiting("p", "ImagePullBackOff", { created: "2026-12-02T12:00:25Z" })],
      [],
      25_000,
    ],
    ["no timestamp at all: counts from now", [waiting("p", "CreateContainerError")], [], 30_000],
    [
      "a normal start (ContainerCreating) is never failing",
      [waiting("p", "ContainerCreating", { notReady: "2026-12-02T11:00:00Z" })],
      [],
      undefined,
    ],
    [
      "the earliest recheck wins; failures are sorted",
      [
        waiting("z", "CrashLoopBackOff"),
        waiting("b", "ErrImagePull", { notReady: "2026-12-02T12:00:25Z" }),
        waiting("a", "CreateContainerConfigError", { notReady: "2026-12-02T12:00:10Z" }),
        waiting("c", "ErrImagePull", { notReady: "2026-12-02T11:00:00Z" }),
      ],
      ["c: ErrImagePull for over 30 s", "z: CrashLoopBackOff"],
      10_000,
    ],
  ];
  it.each(cases)("%s", (_name, pods, failing, recheckInMs) => {
    expect(judgeWaits(pods, now, grace)).toEqual({
      failing,
      ...(recheckInMs !== undefined ? { recheckInMs } : {}),
    });
  });

  it("a grace of zero makes every transient reason fail at once", () => {
    expect(judgeWaits([waiting("p", "ErrImagePull")], now, 0).failing).toEqual([
      "p: ErrImagePull for over 0 s",
    ]);
  });
});

describe("notReadySince", () => {
  it("ignores the Ready transition while the pod is ready and falls back to startTime", () => {
    const pod: WaitingPod = {
      metadata: { name: "p", creationTimestamp: "2026-12-02T10:00:00Z" },
      status: {
        startTime: "2026-12-02T11:00:00Z",
        conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-12-02T12:00:00Z" }],
      },
    };
    expect(notReadySince(pod)).toBe(Date.parse("2026-12-02T11:00:00Z"));
  });

  it("skips an unparseable timestamp", () => {
    const pod: WaitingPod = {
      metadata: { name: "p", creationTimestamp: "2026-12-02T10:00:00Z" },
      status: { startTime: "not a time" },
    };
    expect(notReadySince(pod)).toBe(Date.parse("2026-12-02T10:00:00Z"));
  });
});
