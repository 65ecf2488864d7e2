// Sentinel's cost per request in load-independent units, next to the bare node:http+undici floor
// (bench/node-floor.ts) and the byte copy (bench/node-copy.ts: no HTTP at all) measured in the
// same run under identical driving:
//   --instructions  instructions per request under valgrind's callgrind (collection switched
//                   on only after a long warm-up, so the JIT has settled), with the share spent in
//                   V8's optimising compiler and GC printed apart;
//   --syscalls      system calls per request from `strace -c -f` attached after the warm-up.
//   --perf          where the time goes: `perf record` (cpu-clock samples, JIT frames named through
//                   node's --perf-basic-prof) over the measured requests, the top symbols printed.
//   --allocations   bytes allocated and promoted per request (V8's GC accounting, --trace-gc-nvp)
//                   and the top allocating functions (sampling heap profiler, collected objects
//                   counted too).
// None of the counts depends on how busy the machine is (a shared machine makes req/s and CPU time noise).
// Both run when neither flag is given. Sentinel runs as bench:sentinel runs it (the esbuild
// bundle of bench/bench-sentinel.ts: keyauth with a cached valid key, three firewall rules, a
// logging policy capturing everything), one worker, in front of an nginx upstream.
// Env: PR_WARMUP (20000), PR_REQUESTS (5000), PR_CONCURRENCY (8), PR_ONLY=floor,copy,sentinel,
// PR_ENTRIES="name=path/to/bundle.mjs,..." (more targets, e.g. an older bundle to compare),
// PR_NODE_FLAGS="--trace-deopt ..." (for the targets' node), PR_KEEP=1 (keep the scratch directory with the callgrind and strace outputs).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";
import { signalGroup } from "@slipway/shared/processes";
import { startPostgres, startRedis } from "../../keys/test/harness/servers.js";
import { benchHost, createBenchKey, writeSentinelConfig } from "./bench-fixture.js";
import { type Running, startNginx, stopPeer, upstreamConfig } from "./peers.js";
import {
  allocationsPerRequest,
  instructionsPerRequest,
  perfProfile,
  syscallsPerRequest,
} from "./per-request-measures.js";
import type { GcCounts, SyscallCounts, summarizeCallgrind } from "./per-request-parse.js";
import { type Context, type PerRequestRun, sleep, type Target } from "./per-request-target.js";

const args = new Set(process.argv.slice(2));
const profile = args.has("--perf");
// `--perf -g`: with call graphs, the report ranked by inclusive time (JS frames keep frame pointers).
const callGraph = args.has("-g");
const allocations = args.has("--allocations");
const chosen = args.has("--instructions") || args.has("--syscalls") || profile || allocations;
const measureInstructions = args.has("--instructions") || !chosen;
const measureSyscalls = args.has("--syscalls") || !chosen;
const warmup = Number(process.env.PR_WARMUP ?? 20_000);
const requests = Number(process.env.PR_REQUESTS ?? 5_000);
const concurrency = Number(process.env.PR_CONCURRENCY ?? 8);
const only = process.env.PR_ONLY?.split(",");
const sentinelDir = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "slipway-per-request-"));
const bundleCopy = join(sentinelDir, "bundle", `per-request-${process.pid}`);
chmodSync(scratch, 0o755);
const running: Running[] = [];
const run: PerRequestRun = {
  scratch,
  sentinelDir,
  warmup,
  requests,
  concurrency,
  callGraph,
  running,
};
const stops: Array<() => Promise<void>> = [];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** Fails loudly, naming the Debian packages, when a tool a chosen measurement needs is missing. */
function checkTools() {
  const needed: Array<[boolean, string, string]> = [
    [measureInstructions, "valgrind", "valgrind"],
    [measureSyscalls, "strace", "strace"],
    [profile, "perf", "linux-perf"],
    [true, "/usr/sbin/nginx", "nginx-light"],
  ];
  const missing = needed.filter(
    ([wanted, tool]) =>
      wanted && spawnSync("sh", ["-c", `command -v ${tool} || test -x ${tool}`]).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `bench:sentinel:per-request needs ${missing.map(([, tool]) => tool).join(", ")}: ` +
        `apt-get install -y ${missing.map(([, , pkg]) => pkg).join(" ")}`,
    );
  }
}

const k = (n: number) => `${(n / 1000).toFixed(0)} k`;

try {
  checkTools();
  execFileSync(
    process.execPath,
    [
      join(sentinelDir, "../scripts/images/bundle-service.mjs"),
      sentinelDir,
      "bench/bench-sentinel.ts",
      "bench/node-floor.ts",
      "bench/node-copy.ts",
    ],
    { stdio: "inherit" },
  );
  // This run's own copy (beside the bundle, so its npm imports resolve the same way): a rebuild
  // while the targets run one after another must not change what the later ones measure.
  cpSync(join(sentinelDir, "bundle/bin"), bundleCopy, { recursive: true });
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim();
  console.log(
    `per-request cost at ${commit}${dirty ? " (dirty)" : ""}, node ${process.version}, load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}; ${warmup} warm-up then ${requests} measured requests, ${concurrency} in flight`,
  );
  const postgres = await startPostgres(join(scratch, "postgres"));
  stops.push(postgres.stop);
  const redis = await startRedis(join(scratch, "redis"));
  stops.push(redis.stop);
  const key = await createBenchKey(postgres.url);
  const [upstreamPort, port, adminPort] = (await findFreePorts(3)) as [number, number, number];
  running.push(
    startNginx("upstream", scratch, upstreamPort, upstreamConfig(scratch, upstreamPort)),
  );
  const configFile = join(scratch, "sentinel.json");
  writeSentinelConfig(configFile, key, upstreamPort);
  const context: Context = {
    port,
    headers: { host: benchHost, authorization: `Bearer ${key.key}` },
    env: {
      ...process.env,
      SENTINEL_WORKERS: "1",
      FLOOR_PORT: String(port),
      FLOOR_UPSTREAM_PORT: String(upstreamPort),
      SENTINEL_CONFIG_FILE: configFile,
      BENCH_DATABASE_URL: postgres.url,
      BENCH_REDIS_URL: redis.url,
      SENTINEL_PORT: String(port),
      SENTINEL_ADMIN_PORT: String(adminPort),
    },
  };
  const targets: Target[] = [
    { name: "floor", script: join(bundleCopy, "node-floor.mjs") },
    { name: "copy", script: join(bundleCopy, "node-copy.mjs") },
    { name: "sentinel", script: join(bundleCopy, "bench-sentinel.mjs") },
    ...(process.env.PR_ENTRIES ?? "")
      .split(",")
      .filter(Boolean)
      .map((pair) => {
        const [name, script] = pair.split("=") as [string, string];
        return { name, script };
      }),
  ].filter((target) => !only || only.includes(target.name));

  if (profile) {
    for (const target of targets) {
      console.log(`\nperf profile of ${target.name} over ${requests} requests`);
      console.log(await perfProfile(run, target, context));
    }
  }

  if (allocations) {
    const results = new Map<string, GcCounts>();
    for (const target of targets) {
      const { gc, sampled } = await allocationsPerRequest(run, target, context);
      results.set(target.name, gc);
      console.log(
        `\n${target.name}: ${(gc.allocatedPerRequest / 1024).toFixed(1)} KiB allocated and ` +
          `${(gc.promotedPerRequest / 1024).toFixed(2)} KiB promoted per request ` +
          `(${gc.scavenges} scavenges, ${gc.markCompacts} mark-compacts in ${requests} requests); ` +
          `sampled ${(sampled.perRequest / 1024).toFixed(1)} KiB/request, by function:`,
      );
      for (const { where, perRequest } of sampled.byFunction.slice(0, 40)) {
        console.log(`  ${perRequest.toFixed(0).padStart(7)} B  ${where}`);
      }
    }
    const floor = results.get("floor");
    if (floor) {
      for (const [name, gc] of results) {
        console.log(
          `${name.padEnd(12)} ${(gc.allocatedPerRequest / floor.allocatedPerRequest).toFixed(2)}x floor's allocation`,
        );
      }
    }
  }

  if (measureSyscalls) {
    const counts = new Map<string, SyscallCounts>();
    for (const target of targets)
      counts.set(target.name, await syscallsPerRequest(run, target, context));
    const floor = counts.get("floor");
    const names = [...new Set([...counts.values()].flatMap((c) => Object.keys(c.perRequest)))]
      .filter((name) => [...counts.values()].some((c) => (c.perRequest[name] ?? 0) >= 0.05))
      .sort(
        (a, b) =>
          (counts.get("sentinel")?.perRequest[b] ?? 0) -
          (counts.get("sentinel")?.perRequest[a] ?? 0),
      );
    console.log("\nsyscalls per request (strace -c -f, attached after the warm-up)");
    console.log(`${"".padEnd(16)}${targets.map((t) => t.name.padStart(12)).join("")}`);
    for (const name of names) {
      console.log(
        `${name.padEnd(16)}${targets.map((t) => (counts.get(t.name)?.perRequest[name] ?? 0).toFixed(2).padStart(12)).join("")}`,
      );
    }
    console.log(
      `${"total".padEnd(16)}${targets.map((t) => counts.get(t.name)!.total.toFixed(2).padStart(12)).join("")}`,
    );
    if (floor) {
      for (const target of targets) {
        console.log(
          `${target.name.padEnd(12)} ${counts.get(target.name)!.total.toFixed(2)} syscalls/request, ${(counts.get(target.name)!.total / floor.total).toFixed(2)}x floor`,
        );
      }
    }
  }

  if (measureInstructions) {
    console.log("\ninstructions per request (callgrind, collection on after the warm-up)");
    const results = new Map<string, ReturnType<typeof summarizeCallgrind>>();
    for (const target of targets) {
      const result = await instructionsPerRequest(run, target, context);
      results.set(target.name, result);
      console.log(
        `${target.name.padEnd(12)} ${k(result.perRequest)} instructions/request ` +
          `(optimising compiler ${k(result.compilerPerRequest)}, GC ${k(result.gcPerRequest)}; ` +
          `without the compiler ${k(result.perRequest - result.compilerPerRequest)})`,
      );
    }
    const floor = results.get("floor");
    if (floor) {
      for (const [name, result] of results) {
        const steady = result.perRequest - result.compilerPerRequest;
        const floorSteady = floor.perRequest - floor.compilerPerRequest;
        console.log(
          `${name.padEnd(12)} ${(result.perRequest / floor.perRequest).toFixed(2)}x floor ` +
            `(${(steady / floorSteady).toFixed(2)}x without the compiler)`,
        );
      }
    }
  }
} finally {
  await cleanUp();
}

/** Stops everything this run started (also on Ctrl-C: every service runs in its own group). */
async function cleanUp() {
  for (const peer of running) stopPeer(peer);
  for (const stopService of stops.reverse()) await stopService().catch(() => undefined);
  stops.length = 0;
  await sleep(1000);
  for (const peer of running) if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
  rmSync(bundleCopy, { recursive: true, force: true });
  if (process.env.PR_KEEP) console.log(scratch);
  else rmSync(scratch, { recursive: true, force: true });
}
