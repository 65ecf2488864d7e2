/**
 * Where a fixed-rate run's slow requests come from: each request over the goal is put down to
 * the first cause that overlaps it, in this order — the driver sent it late, the driver was
 * stalled (GC or not scheduled) while it was in flight, a GC pause in the server, the server's
 * event loop stalled, or none of these (queueing behind other requests, Redis or PostgreSQL, a
 * CPU taken by other processes). Also when in the run they happened (per second, worst 100 ms).
 */
import type { DriveResult } from "./drive-verify.js";
import type { LoopRecord, Pause } from "./loop-stalls.js";

const slotMs = 0.25;

/** A prefix sum of "some pause covers this slot", for overlap tests in O(1). */
function coverage(pauses: readonly Pause[], from: number, to: number) {
  const slots = Math.ceil((to - from) / slotMs) + 2;
  const covered = new Uint8Array(slots);
  for (const pause of pauses) {
    const first = Math.max(0, Math.floor((pause.at - from) / slotMs));
    const last = Math.min(slots - 1, Math.floor((pause.at + pause.ms - from) / slotMs));
    for (let slot = first; slot <= last; slot++) covered[slot] = 1;
  }
  const sums = new Uint32Array(slots + 1);
  for (let slot = 0; slot < slots; slot++) sums[slot + 1] = sums[slot]! + covered[slot]!;
  const index = (at: number) => Math.min(slots, Math.max(0, Math.floor((at - from) / slotMs)));
  return (start: number, end: number) => sums[index(end) + 1]! - sums[index(start)]! > 0;
}

const causes = [
  "driver sent it late (>= 1 ms)",
  "driver stalled while in flight",
  "server GC",
  "server event loop stalled",
  "no stall (queueing, Redis, other processes)",
] as const;

const total = (pauses: readonly Pause[]) => pauses.reduce((sum, pause) => sum + pause.ms, 0);
const longest = (pauses: readonly Pause[]) => Math.max(0, ...pauses.map((pause) => pause.ms));
const describe = (name: string, pauses: readonly Pause[]) =>
  `${name} ${pauses.length} (${total(pauses).toFixed(0)} ms, longest ${longest(pauses).toFixed(1)} ms)`;

export function explainTail(drive: DriveResult, server: LoopRecord, slowMs: number): string[] {
  const { dueAt, latencyFromDue, sendLag } = drive;
  if (dueAt.length === 0) return [];
  const from = drive.startedAt - 10;
  const to = Math.max(...dueAt.map((at, i) => at + latencyFromDue[i]!)) + 10;
  const driverStalled = coverage([...drive.loop.stalls, ...drive.loop.gcs], from, to);
  const serverGc = coverage(server.gcs, from, to);
  const serverStalled = coverage(server.stalls, from, to);
  const counts = causes.map(() => 0);
  const seconds = Math.max(1, Math.ceil((dueAt.at(-1)! - drive.startedAt) / 1000));
  const slowBySecond = new Array<number>(seconds).fill(0);
  const windows = new Map<number, { max: number; slow: number }>();
  for (let i = 0; i < dueAt.length; i++) {
    const start = dueAt[i]!;
    const latency = latencyFromDue[i]!;
    const window = Math.floor((start - drive.startedAt) / 100);
    const bucket = windows.get(window) ?? { max: 0, slow: 0 };
    bucket.max = Math.max(bucket.max, latency);
    windows.set(window, bucket);
    if (latency < slowMs) continue;
    bucket.slow++;
    const second = Math.min(seconds - 1, Math.floor((start - drive.startedAt) / 1000));
    slowBySecond[second]!++;
    const end = start + latency;
    const sent = start + sendLag[i]!;
    const cause =
      sendLag[i]! >= 1
        ? 0
        : driverStalled(sent, end)
          ? 1
          : serverGc(sent, end)
            ? 2
            : serverStalled(sent, end)
              ? 3
              : 4;
    counts[cause]!++;
  }
  const slow = counts.reduce((sum, count) => sum + count, 0);
  const fromSend = latencyFromDue.map((latency, i) => latency - sendLag[i]!).sort((a, b) => a - b);
  const lags = [...sendLag].sort((a, b) => a - b);
  const at = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  const worst = [...windows.entries()].sort((a, b) => b[1].max - a[1].max).slice(0, 4);
  const inWindow = (pauses: readonly Pause[], window: number) => {
    const start = drive.startedAt + window * 100;
    return pauses.filter((pause) => pause.at < start + 100 && pause.at + pause.ms > start);
  };
  return [
    `    over ${slowMs} ms: ${slow} of ${dueAt.length} (${((100 * slow) / dueAt.length).toFixed(2)} %): ` +
      causes
        .map((cause, i) => `${cause} ${counts[i]}`)
        .filter((_, i) => counts[i]! > 0)
        .join(", "),
    `    over ${slowMs} ms by second: ${slowBySecond.join(" ")}`,
    `    p99 from the actual send (the old driver's measure) ${at(fromSend, 99).toFixed(2)} ms; ` +
      `driver send lag p99 ${at(lags, 99).toFixed(2)} ms, max ${at(lags, 100).toFixed(1)} ms; ` +
      `sockets opened ${drive.socketsOpened}`,
    `    server: loop delay p99 ${server.delay.p99.toFixed(1)} ms, max ${server.delay.max.toFixed(1)} ms; ` +
      `${describe("stalls", server.stalls)}; ${describe("GCs", server.gcs)}; ` +
      `cpu ${((server.cpuSeconds * 1e6) / dueAt.length).toFixed(0)} µs/request`,
    `    driver: ${describe("stalls", drive.loop.stalls)}; ${describe("GCs", drive.loop.gcs)}; ` +
      `cpu ${((drive.cpuSeconds * 1e6) / dueAt.length).toFixed(0)} µs/request`,
    ...worst.map(([window, bucket]) => {
      const serverStalls = inWindow(server.stalls, window);
      const serverGcs = inWindow(server.gcs, window);
      const driverPauses = inWindow([...drive.loop.stalls, ...drive.loop.gcs], window);
      return (
        `    worst 100 ms at +${(window / 10).toFixed(1)} s: max ${bucket.max.toFixed(1)} ms, ` +
        `${bucket.slow} over ${slowMs} ms; server stall ${longest(serverStalls).toFixed(1)} ms, ` +
        `GC ${total(serverGcs).toFixed(1)} ms; driver pause ${longest(driverPauses).toFixed(1)} ms`
      );
    }),
  ];
}
