/**
 * Where the webhook bench's time goes: per-phase timings inside the API process (HTTP request
 * start → handler → database insert → enqueue → response finished), event-loop delay, GC
 * pauses, and the CPU every process on the machine used during the measured run.
 */

import { execFileSync } from "node:child_process";
import diagnostics from "node:diagnostics_channel";
import { readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Session } from "node:inspector/promises";
import { cpus } from "node:os";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

interface Timeline {
  start: number;
  handler?: number;
  handlerEnd?: number;
  finish?: number;
}

const timelines = new WeakMap<IncomingMessage, Timeline>();
const finished: Timeline[] = [];
let recording = false;

const rawOf = (message: unknown) => (message as { request: { raw: IncomingMessage } }).request.raw;
const handlerChannel = diagnostics.tracingChannel("fastify.request.handler");
handlerChannel.subscribe({
  start(message) {
    const timeline = timelines.get(rawOf(message));
    if (timeline) timeline.handler = performance.now();
  },
  end() {},
  asyncStart() {},
  asyncEnd(message) {
    const timeline = timelines.get(rawOf(message));
    if (timeline) timeline.handlerEnd = performance.now();
  },
  error() {},
});
diagnostics.subscribe("http.server.request.start", (message) => {
  if (!recording) return;
  timelines.set((message as { request: IncomingMessage }).request, { start: performance.now() });
});
diagnostics.subscribe("http.server.response.finish", (message) => {
  const timeline = timelines.get((message as { request: IncomingMessage }).request);
  if (!timeline) return;
  timeline.finish = performance.now();
  finished.push(timeline);
});

/** Durations of each call of the wrapped I/O, and how many items each call carried. */
const calls: Record<string, { durations: number[]; sizes: number[] }> = {};

/**
 * Wraps an async function to record each call's duration (and `sizeOf` its arguments: the
 * batch size). Calls are not tied to one request: the intake writes batches of them.
 */
export function timed<Args extends unknown[], Result>(
  name: string,
  fn: (...args: Args) => Promise<Result>,
  sizeOf: (...args: Args) => number = () => 1,
): (...args: Args) => Promise<Result> {
  calls[name] = { durations: [], sizes: [] };
  return async (...args) => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      if (recording) {
        calls[name]!.durations.push(performance.now() - started);
        calls[name]!.sizes.push(sizeOf(...args));
      }
    }
  };
}

const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  if (recording) for (const entry of list.getEntries()) gcPauses.push(entry.duration);
}).observe({ entryTypes: ["gc"] });
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

/** CPU ticks (1/100 s) of a process, user + system. */
function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const idle = values[3]! + values[4]!;
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

function descendants(pid: number): number[] {
  try {
    const children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

/** The block devices' write and busy counters: fsync stalls come from a disk others share. */
function diskTicks() {
  const totals = { writes: 0, busyMs: 0, weightedMs: 0, discardMs: 0, flushes: 0, flushMs: 0 };
  for (const line of readFileSync("/proc/diskstats", "utf8").split("\n")) {
    const fields = line.trim().split(/\s+/);
    // Whole disks only (vda, sda, nvme0n1), not their partitions.
    if (!/^(vd[a-z]|sd[a-z]|nvme\d+n\d+)$/.test(fields[2] ?? "")) continue;
    totals.writes += Number(fields[7]);
    totals.busyMs += Number(fields[12]);
    totals.weightedMs += Number(fields[13]);
    // Discards (the `discard` mount option: files others delete) and cache flushes (fsync).
    totals.discardMs += Number(fields[17] ?? 0);
    totals.flushes += Number(fields[18] ?? 0);
    totals.flushMs += Number(fields[19] ?? 0);
  }
  return totals;
}

/** Named groups of processes; a group's pids count with all their descendants. */
export type ProcessGroups = Record<string, { pids: () => number[]; withChildren: boolean }>;

const quantile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (value: number) => `${value.toFixed(2)}`;

/** Starts recording; the returned function stops and gives the report's lines. */
export function startProfile(
  groups: ProcessGroups,
): (measuredElsewhere: Record<string, number>) => string[] {
  finished.length = 0;
  gcPauses.length = 0;
  loopDelay.reset();
  loopDelay.enable();
  recording = true;
  const pidsOf = () =>
    Object.fromEntries(
      Object.entries(groups).map(([name, group]) => [
        name,
        group.pids().flatMap((pid) => (group.withChildren ? [pid, ...descendants(pid)] : [pid])),
      ]),
    );
  const startPids = pidsOf();
  const before = Object.fromEntries(
    Object.entries(startPids).map(([name, pids]) => [name, pids.map(cpuTicks)]),
  );
  const machineBefore = machineTicks();
  const diskBefore = diskTicks();
  const wallStart = performance.now();
  /** `measuredElsewhere`: CPU seconds processes measured themselves (the load driver). */
  return (measuredElsewhere) => {
    recording = false;
    loopDelay.disable();
    const seconds = (performance.now() - wallStart) / 1000;
    const machineAfter = machineTicks();
    const diskAfter = diskTicks();
    const lines: string[] = [];
    const phases: Record<string, number[]> = {
      "request start → handler (body read)": [],
      "handler (verify, parse, store, enqueue)": [],
      "handler end → response finished": [],
      "whole request in the server": [],
    };
    for (const t of finished) {
      if (t.handler === undefined || t.handlerEnd === undefined || t.finish === undefined) continue;
      phases["request start → handler (body read)"]!.push(t.handler - t.start);
      phases["handler (verify, parse, store, enqueue)"]!.push(t.handlerEnd - t.handler);
      phases["handler end → response finished"]!.push(t.finish - t.handlerEnd);
      phases["whole request in the server"]!.push(t.finish - t.start);
    }
    lines.push(`phases in the API process (${finished.length} requests): p50 / p99 / max ms`);
    for (const [name, values] of Object.entries(phases)) {
      lines.push(
        `  ${name.padEnd(40)} ${ms(quantile(values, 50))} / ${ms(quantile(values, 99))} / ${ms(Math.max(...values))}`,
      );
    }
    for (const [name, { durations, sizes }] of Object.entries(calls)) {
      const items = sizes.reduce((sum, size) => sum + size, 0);
      lines.push(
        `  ${`${name} (${durations.length} calls, ${(items / Math.max(1, durations.length)).toFixed(1)} per call)`.padEnd(40)} ${ms(quantile(durations, 50))} / ${ms(quantile(durations, 99))} / ${ms(Math.max(...durations))}`,
      );
      durations.length = 0;
      sizes.length = 0;
    }
    lines.push(
      `event-loop delay (API process): p50 ${ms(loopDelay.percentile(50) / 1e6)} ms, p99 ${ms(loopDelay.percentile(99) / 1e6)} ms, max ${ms(loopDelay.max / 1e6)} ms`,
    );
    const gcTotal = gcPauses.reduce((sum, value) => sum + value, 0);
    lines.push(
      `GC pauses (API process): ${gcPauses.length}, total ${ms(gcTotal)} ms, p99 ${ms(quantile(gcPauses, 99))} ms, max ${ms(Math.max(0, ...gcPauses))} ms`,
    );
    const writes = diskAfter.writes - diskBefore.writes;
    lines.push(
      `disk (whole machine): ${(writes / seconds).toFixed(0)} writes/s, busy ${(((diskAfter.busyMs - diskBefore.busyMs) / 1000 / seconds) * 100).toFixed(0)}% of the time, average wait ${((diskAfter.weightedMs - diskBefore.weightedMs) / Math.max(1, writes)).toFixed(2)} ms per write, ${diskAfter.flushes - diskBefore.flushes} flushes averaging ${((diskAfter.flushMs - diskBefore.flushMs) / Math.max(1, diskAfter.flushes - diskBefore.flushes)).toFixed(2)} ms, ${((diskAfter.discardMs - diskBefore.discardMs) / 1000).toFixed(1)} s spent discarding`,
    );
    const endPids = pidsOf();
    const cores = (ticks: number) => (ticks / 100 / seconds).toFixed(2);
    let ours = 0;
    const usage = Object.entries(endPids).map(([name, pids]) => {
      const startTicks = new Map(startPids[name]!.map((pid, i) => [pid, before[name]![i]!]));
      const used = pids.reduce((sum, pid) => sum + cpuTicks(pid) - (startTicks.get(pid) ?? 0), 0);
      ours += used;
      return `${name} ${cores(used)}`;
    });
    for (const [name, cpuSeconds] of Object.entries(measuredElsewhere)) {
      ours += cpuSeconds * 100;
      usage.push(`${name} ${cores(cpuSeconds * 100)}`);
    }
    // /proc/stat counts every core's ticks, the processes' ticks are per process: both at 100 Hz.
    const machineBusy = machineAfter.busy - machineBefore.busy;
    const cpuCount = cpus().length;
    const perRequest = (ours - (measuredElsewhere["load driver"] ?? 0) * 100) * 10;
    lines.push(
      `CPU per request, all of Slipway's processes (API, worker, PostgreSQL, Redis): ${(perRequest / Math.max(1, finished.length)).toFixed(2)} ms`,
    );
    lines.push(
      `CPU in cores over ${seconds.toFixed(1)} s: ${usage.join(", ")}; everything else ${cores(machineBusy - ours)}; machine busy ${cores(machineBusy)} of ${cpuCount}`,
    );
    return lines;
  };
}

/**
 * `BENCH_CPU_PROFILE=file.cpuprofile`: V8's CPU profile of the API process over the measured
 * run only (open it in Chrome's DevTools); the returned function stops and writes it.
 */
export async function startCpuProfile(path: string | undefined): Promise<() => Promise<void>> {
  if (!path) return async () => {};
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}
