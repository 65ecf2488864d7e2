// npm run bench:sentinel
// wrk through Sentinel (keyauth with a valid, cached key; three firewall rules; logging of
// everything) and, in the same run, through nginx proxy_pass, Caddy reverse_proxy and HAProxy
// to the same upstream, and two Node peers: the floor (node:http + undici, no policies) and the
// byte copy (net, no HTTP at all: the ceiling of a Node proxy here); then Sentinel's added
// latency at half its peak rate.
// Env: BENCH_SECONDS (10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (64), SENTINEL_WORKERS (2), BENCH_CPU_PROF=<dir>,
// BENCH_METRICS_OVERHEAD=0 to skip the metrics-off run, BENCH_ONLY_SENTINEL=1 to measure Sentinel alone.
import { execFileSync, execSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";
import { signalGroup, startProcessGroup } from "@slipway/shared/processes";
import { request } from "undici";
import { startPostgres, startRedis } from "../../keys/test/harness/servers.js";
import { RequestMetrics } from "../src/metrics/request-metrics.js";
import { benchHost, createBenchKey, writeSentinelConfig } from "./bench-fixture.js";
import { groupCpuMs } from "./group-cpu.js";
import {
  checkBinaries,
  nginxProxyConfig,
  type Running,
  startCaddy,
  startHaproxy,
  startNginx,
  stopPeer,
  upstreamConfig,
} from "./peers.js";
import { pacedScript, runWrk, type WrkResult } from "./wrk.js";

type Measured = WrkResult & { cpuUsPerRequest: number };

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const workers = Number(process.env.SENTINEL_WORKERS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const cpuProfDir = process.env.BENCH_CPU_PROF;
const sentinelDir = fileURLToPath(new URL("..", import.meta.url));
// Sentinel and the floor run as the image runs Sentinel: esbuild bundles (the image's own
// bundling script), plain `node --enable-source-maps`, no tsx loader (whose keepNames wraps every
// closure created per request). BENCH_TSX=1 runs the TypeScript through tsx instead.
const useTsx = process.env.BENCH_TSX === "1";
function entry(name: "bench-sentinel" | "node-floor" | "node-copy"): string[] {
  if (useTsx) return ["--import", "tsx", join(sentinelDir, `bench/${name}.ts`)];
  return ["--enable-source-maps", join(sentinelDir, `bundle/bin/${name}.mjs`)];
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const running: Running[] = [];
const stops: Array<() => Promise<void>> = [];
const scratch = mkdtempSync(join(tmpdir(), "slipway-sentinel-bench-"));
chmodSync(scratch, 0o755); // PostgreSQL runs as `postgres` when we are root
let cleaned = false;
let succeeded = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  const sentinel = running.find((peer) => peer.name === "sentinel");
  if (sentinel) await stopSentinel(sentinel);
  for (const peer of running) stopPeer(peer);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await sleep(300);
  for (const peer of running) if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
  // Kept after a failure: the peers' logs are there.
  if (succeeded) rmSync(scratch, { recursive: true, force: true });
  else console.error(`logs kept in ${scratch}`);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanup().then(() => process.exit(130)));
}

async function waitFor(name: string, url: string, headers: Record<string, string>, peer?: Running) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await request(url, { headers });
      const body = await response.body.text();
      if (response.statusCode === 200) return body;
      if (Date.now() > deadline)
        throw new Error(`${name} answered ${response.statusCode}: ${body}`);
    } catch (error) {
      if (peer?.exit || Date.now() > deadline) {
        throw new Error(`${name} did not start (see the logs in ${scratch})`, { cause: error });
      }
    }
    await sleep(100);
  }
}

function startSentinel(port: number, adminPort: number, env: Record<string, string>): Running {
  const args = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : [];
  const peer = startProcessGroup(
    process.execPath,
    [...args, ...entry("bench-sentinel")],
    join(scratch, "sentinel.log"),
    {
      ...process.env,
      ...env,
      SENTINEL_PORT: String(port),
      SENTINEL_ADMIN_PORT: String(adminPort),
      SENTINEL_WORKERS: String(workers),
    },
    { name: "sentinel", port },
  );
  running.push(peer);
  return peer;
}

async function stopSentinel(peer: Running) {
  signalGroup(peer.pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (!peer.exit && Date.now() < deadline) await sleep(50);
  running.splice(running.indexOf(peer), 1);
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const row = (name: string, r: Measured) =>
  `${name.padEnd(26)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${fmt(r.p50Ms).padStart(9)}  p99 ${fmt(r.p99Ms).padStart(9)}  CPU ${r.cpuUsPerRequest.toFixed(0).padStart(4)} µs/req  failures ${r.failures}  timeouts ${r.timeouts}`;

try {
  checkBinaries();
  const commit = execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  if (!useTsx) {
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
  }
  const dirty = execSync("git status --porcelain", { encoding: "utf8" }).trim() ? " (dirty)" : "";
  console.log(
    `bench:sentinel at ${commit}${dirty}, node ${process.version}, ${cpus().length} cores, ` +
      `${useTsx ? "tsx" : "esbuild bundles"}, load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}; wrk -t2 -c${connections} -d${seconds}s`,
  );
  const postgres = await startPostgres(join(scratch, "postgres"));
  stops.push(postgres.stop);
  const redis = await startRedis(join(scratch, "redis"));
  stops.push(redis.stop);
  const key = await createBenchKey(postgres.url);

  const ports = (await findFreePorts(8)) as number[];
  const [upstreamPort, nginxPort, caddyPort, haproxyPort, floorPort, copyPort] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [sentinelPort, adminPort] = ports.slice(6) as [number, number];
  for (const name of ["upstream", "nginx"]) mkdirSync(join(scratch, name));
  running.push(
    startNginx(
      "upstream",
      join(scratch, "upstream"),
      upstreamPort,
      upstreamConfig(join(scratch, "upstream"), upstreamPort),
    ),
    startNginx(
      "nginx",
      join(scratch, "nginx"),
      nginxPort,
      nginxProxyConfig(join(scratch, "nginx"), nginxPort, upstreamPort),
    ),
    startCaddy(scratch, caddyPort, upstreamPort),
    startHaproxy(scratch, haproxyPort, upstreamPort),
    startProcessGroup(
      process.execPath,
      entry("node-floor"),
      join(scratch, "node-floor.log"),
      {
        ...process.env,
        FLOOR_PORT: String(floorPort),
        FLOOR_UPSTREAM_PORT: String(upstreamPort),
        SENTINEL_WORKERS: String(workers),
      },
      { name: "node-floor", port: floorPort },
    ),
    startProcessGroup(
      process.execPath,
      entry("node-copy"),
      join(scratch, "node-copy.log"),
      {
        ...process.env,
        FLOOR_PORT: String(copyPort),
        FLOOR_UPSTREAM_PORT: String(upstreamPort),
        SENTINEL_WORKERS: String(workers),
      },
      { name: "node-copy", port: copyPort },
    ),
  );
  const configFile = join(scratch, "sentinel.json");
  writeSentinelConfig(configFile, key, upstreamPort);
  const sentinelEnv = {
    SENTINEL_CONFIG_FILE: configFile,
    BENCH_DATABASE_URL: postgres.url,
    BENCH_REDIS_URL: redis.url,
  };
  let sentinel = startSentinel(sentinelPort, adminPort, sentinelEnv);

  const headers = { Host: benchHost, authorization: `Bearer ${key.key}` };
  const targets = [
    ["upstream (direct)", upstreamPort, running[0]!],
    ["nginx proxy_pass", nginxPort, running[1]!],
    ["caddy reverse_proxy", caddyPort, running[2]!],
    ["haproxy", haproxyPort, running[3]!],
    ["node http+undici (floor)", floorPort, running[4]!],
    ["node byte copy (ceiling)", copyPort, running[5]!],
    ["sentinel", sentinelPort, sentinel],
  ] as const;
  for (const [name, port, peer] of targets) {
    const body = await waitFor(name, `http://127.0.0.1:${port}/v1/things?x=1`, headers, peer);
    if (body !== "hello, world\n") throw new Error(`${name} answered ${JSON.stringify(body)}`);
  }
  await waitFor("sentinel admin", `http://127.0.0.1:${adminPort}/readyz`, {});

  const measure = async (port: number, peer: Running, script?: string): Promise<Measured> => {
    const run = { url: `http://127.0.0.1:${port}/v1/things?x=1`, headers, threads: 2, connections };
    if (!script) await runWrk({ ...run, seconds: 2 }); // warm-up: JIT, pools, key cache
    const cpuBefore = groupCpuMs(peer.pid);
    const result = await runWrk({
      ...run,
      seconds,
      ...(script ? { script, connections: pacedConnections } : {}),
    });
    const cpuUsPerRequest =
      ((groupCpuMs(peer.pid) - cpuBefore) * 1000) / Math.max(1, result.requests);
    return { ...result, cpuUsPerRequest };
  };
  let pacedConnections = 0;
  const results = new Map<string, Measured>();
  // Rounds interleave the targets, so a burst of other work on the machine hits all of them;
  // each target's best round is kept.
  for (let round = 1; round <= rounds; round++) {
    for (const [name, port, peer] of targets) {
      // BENCH_ONLY_SENTINEL=1 (profiling): the peers start and answer but are not measured.
      if (process.env.BENCH_ONLY_SENTINEL === "1" && name !== "sentinel") continue;
      const result = await measure(port, peer);
      console.log(row(`${name} (${round})`, result));
      const best = results.get(name);
      if (!best || result.requestsPerSecond > best.requestsPerSecond) results.set(name, result);
    }
  }
  const ours = results.get("sentinel")!;
  console.log("\nbest round of each:");
  for (const [name] of targets) {
    const best = results.get(name);
    if (best) console.log(row(name, best));
  }
  console.log(
    "\nSentinel's throughput as a share of each peer's (goal: ≥ 1.0x Caddy, ≥ 0.6x nginx):",
  );
  for (const [name] of targets.slice(0, 6)) {
    const peer = results.get(name);
    if (!peer) continue;
    console.log(
      `  vs ${name.padEnd(22)} ${(ours.requestsPerSecond / peer.requestsPerSecond).toFixed(2)}x  (p99 ${fmt(ours.p99Ms)} vs ${fmt(peer.p99Ms)}; CPU per request ${(ours.cpuUsPerRequest / peer.cpuUsPerRequest).toFixed(1)}x)`,
    );
  }
  if (ours.failures > 0) throw new Error(`Sentinel failed ${ours.failures} requests`);

  const metrics = await request(`http://127.0.0.1:${adminPort}/metrics`);
  const exposition = await metrics.body.text();
  const allowed = /sentinel_requests_total\{status_class="2xx",outcome="allowed"\} (\d+)/.exec(
    exposition,
  )?.[1];
  console.log(`\n/metrics: ${allowed} requests 2xx/allowed counted across ${workers} workers`);

  // Added latency at half the peak: the same paced load straight to the upstream and through Sentinel.
  const halfRate = ours.requestsPerSecond / 2;
  const delayMs = 10;
  pacedConnections = Math.max(2, Math.round((halfRate * delayMs) / 1000));
  const script = pacedScript(scratch, delayMs);
  await measure(sentinelPort, sentinel, script); // warm-up at this concurrency
  const direct = await measure(upstreamPort, running[0]!, script);
  const through = await measure(sentinelPort, sentinel, script);
  // The same paced load through the floor: what any Node proxy in this place adds on this
  // machine (a second process hop, two cores shared with wrk and the upstream).
  await measure(floorPort, running[4]!, script);
  const floorPaced = await measure(floorPort, running[4]!, script);
  await measure(copyPort, running[5]!, script);
  const copyPaced = await measure(copyPort, running[5]!, script);
  console.log(
    `\nat half Sentinel's peak (target ${halfRate.toFixed(0)} req/s: ${pacedConnections} connections, each waiting ${delayMs} ms between requests):`,
  );
  console.log(row("  upstream (direct)", direct));
  console.log(row("  sentinel", through));
  console.log(row("  node http+undici (floor)", floorPaced));
  console.log(row("  node byte copy (ceiling)", copyPaced));
  const addedP50 = through.p50Ms - direct.p50Ms;
  const addedP99 = through.p99Ms - direct.p99Ms;
  console.log(`  added by Sentinel: p50 ${fmt(addedP50)}, p99 ${fmt(addedP99)} (goal p99 ≤ 1 ms)`);
  console.log(
    `  added by the floor: p50 ${fmt(floorPaced.p50Ms - direct.p50Ms)}, p99 ${fmt(floorPaced.p99Ms - direct.p99Ms)}`,
  );
  console.log(
    `  added by the byte copy: p50 ${fmt(copyPaced.p50Ms - direct.p50Ms)}, p99 ${fmt(copyPaced.p99Ms - direct.p99Ms)}`,
  );

  if (process.env.BENCH_METRICS_OVERHEAD !== "0") {
    await stopSentinel(sentinel);
    sentinel = startSentinel(sentinelPort, adminPort, { ...sentinelEnv, BENCH_METRICS: "off" });
    await waitFor("sentinel", `http://127.0.0.1:${sentinelPort}/v1/things`, headers, sentinel);
    const off = await measure(sentinelPort, sentinel);
    console.log(`\nmetrics overhead: ${row("sentinel, metrics off", off)}`);
    console.log(
      `  metrics on/off throughput: ${(ours.requestsPerSecond / off.requestsPerSecond).toFixed(3)}x (same-run noise is a few %)`,
    );
  }
  // The counters' own cost, in-process: steadier than an on/off throughput pair on a busy machine.
  const counters = new RequestMetrics({
    droppedLogs: () => 0,
    configLoadedAt: () => 0,
    wakes: () => 0,
  });
  const calls = 2_000_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) counters.request(200 + (i % 3) * 100, "allowed", (i % 50) / 10);
  const nsPerCall = Number(process.hrtime.bigint() - started) / calls;
  console.log(`  RequestMetrics.request(): ${nsPerCall.toFixed(0)} ns per request, in-process`);
  succeeded = true;
  console.log(
    `\nload average after: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await cleanup();
}
