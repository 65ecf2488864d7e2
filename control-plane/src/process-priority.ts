import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Lowers this process's CPU priority to `nice` (never raises it). On Linux niceness belongs to
 * each thread, and `setpriority` on the process id changes the main thread only, so every
 * thread running now is changed; threads started later inherit it from the thread that starts
 * them. Returns the niceness now in effect on the main thread.
 */
export function lowerOwnPriority(nice: number): number {
  const threads = listThreads();
  for (const thread of threads) {
    try {
      if (getPriority(thread) < nice) setPriority(thread, nice);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return getPriority(process.pid);
}

function listThreads(): number[] {
  try {
    return readdirSync("/proc/self/task").map(Number);
  } catch {
    // Not Linux: niceness is per process there.
    return [process.pid];
  }
}
