// Reading what bench/per-request.ts collects: `strace -c` summaries and `callgrind_annotate`
// listings, each divided by the number of requests measured. Pure.

export interface SyscallCounts {
  /** Calls per request, by system call name. */
  perRequest: Record<string, number>;
  total: number;
}

/** `strace -c` summary table → calls per request (the `total` row is recomputed, not read). */
export function parseStraceSummary(text: string, requests: number): SyscallCounts {
  const perRequest: Record<string, number> = {};
  let total = 0;
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const name = fields.at(-1);
    // % time, seconds, usecs/call, calls, [errors,] name
    if (fields.length < 5 || !name || name === "total" || !/^\d/.test(fields[0]!)) continue;
    const calls = Number(fields[3]);
    if (!Number.isFinite(calls)) continue;
    perRequest[name] = (perRequest[name] ?? 0) + calls / requests;
    total += calls / requests;
  }
  return { perRequest, total };
}

export interface InstructionCounts {
  perRequest: number;
  /** V8's optimising compiler (TurboFan), still compiling or re-compiling after deopts. */
  compilerPerRequest: number;
  /** Garbage collection (scavenges and mark-compact, all threads). */
  gcPerRequest: number;
}

const compiler = /v8::internal::compiler::|v8::internal::Zone|v8::internal::maglev::|turboshaft/;
const gc =
  /Scavenge|heap::base::|MarkCompact|Sweeper|ConcurrentMarking|MarkingVisitor|Evacuat|v8::internal::Heap::/;

/** `callgrind_annotate --inclusive=no` listing → instructions per request, split by kind. */
export function summarizeCallgrind(listing: string, requests: number): InstructionCounts {
  let total = 0;
  let compilerIr = 0;
  let gcIr = 0;
  for (const line of listing.split("\n")) {
    const match = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$/.exec(line);
    if (!match) continue;
    const ir = Number(match[1]!.replaceAll(",", ""));
    const what = match[2]!;
    if (what.startsWith("PROGRAM TOTALS")) {
      total = ir;
      continue;
    }
    if (compiler.test(what)) compilerIr += ir;
    else if (gc.test(what)) gcIr += ir;
  }
  if (total === 0) throw new Error("callgrind listing without PROGRAM TOTALS");
  return {
    perRequest: total / requests,
    compilerPerRequest: compilerIr / requests,
    gcPerRequest: gcIr / requests,
  };
}

export interface GcCounts {
  /** Bytes allocated on the V8 heap per request (young generation, from the GC's accounting). */
  allocatedPerRequest: number;
  /** Bytes per request that lived long enough to be moved to the old generation. */
  promotedPerRequest: number;
  scavenges: number;
  markCompacts: number;
}

/** `--trace-gc-nvp` lines (one per collection) → allocation and promotion per request. */
export function parseGcTrace(text: string, requests: number): GcCounts {
  let allocated = 0;
  let promoted = 0;
  let scavenges = 0;
  let markCompacts = 0;
  for (const line of text.split("\n")) {
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (!kind) continue;
    if (kind === "s") scavenges++;
    else if (kind === "mc" || kind === "mmc") markCompacts++;
    allocated += Number(/ allocated=(\d+)/.exec(line)?.[1] ?? 0);
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return {
    allocatedPerRequest: allocated / requests,
    promotedPerRequest: promoted / requests,
    scavenges,
    markCompacts,
  };
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: ProfileNode[];
}

/** A sampling heap profile (collected objects included) → bytes per request by allocating function. */
export function summarizeAllocationProfile(
  profile: { head: ProfileNode },
  requests: number,
): { perRequest: number; byFunction: Array<{ where: string; perRequest: number }> } {
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: ProfileNode) => {
    if (node.selfSize > 0) {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url.replace(/^.*\/(node_modules\/)/, "$1").replace(/^file:\/\/.*\//, "");
      const where = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
      byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(profile.head);
  return {
    perRequest: total / requests,
    byFunction: [...byFunction]
      .map(([where, bytes]) => ({ where, perRequest: bytes / requests }))
      .sort((a, b) => b.perRequest - a.perRequest),
  };
}
