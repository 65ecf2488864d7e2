/**
 * When a process could not run its JavaScript, with wall-clock times, so a benchmark can line
 * its slow requests up with the causes: event-loop stalls (a timer every `periodMs` that woke
 * late; `monitorEventLoopDelay` for the distribution) and GC pauses (PerformanceObserver).
 * Times are Unix ms with fractions (performance.timeOrigin + now), comparable across processes.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

export interface Pause {
  /** Unix ms when the pause began. */
  at: number;
  ms: number;
}

export interface LoopRecord {
  /** Timer wake-ups later than `minStallMs`: the loop was busy or the process was not running. */
  stalls: Pause[];
  gcs: Pause[];
  /** monitorEventLoopDelay over the recording, ms. */
  delay: { p50: number; p99: number; max: number };
  cpuSeconds: number;
}

const gcPauses: Pause[] = [];
let observing = 0;
const gcObserver = new PerformanceObserver((list) => {
  if (observing === 0) return;
  for (const entry of list.getEntries()) {
    gcPauses.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration });
  }
});

export function recordLoop(options: { periodMs?: number; minStallMs?: number } = {}) {
  const periodMs = options.periodMs ?? 2;
  const minStallMs = options.minStallMs ?? 3;
  if (observing++ === 0) gcObserver.observe({ entryTypes: ["gc"] });
  const firstGc = gcPauses.length;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const stalls: Pause[] = [];
  const cpuBefore = process.cpuUsage();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - periodMs;
    if (late >= minStallMs) stalls.push({ at: performance.timeOrigin + last + periodMs, ms: late });
    last = now;
  }, periodMs);
  return {
    stop(): LoopRecord {
      clearInterval(timer);
      histogram.disable();
      if (--observing === 0) gcObserver.disconnect();
      const cpu = process.cpuUsage(cpuBefore);
      const ms = (ns: number) => ns / 1e6;
      return {
        stalls,
        gcs: gcPauses.splice(firstGc),
        delay: {
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
        },
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
    },
  };
}
