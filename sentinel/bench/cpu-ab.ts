// Dev A/B of CPU per request: one Sentinel worker and one floor worker (bench/node-floor.ts)
// in front of the same nginx upstream, measured in alternating rounds (CPU from /proc, so other
// work on the machine moves the figures less than req/s). AB_ENTRIES="name=script,..." adds
// other Sentinel entry scripts (e.g. a compiled bundle); AB_CPU_PROF=<dir> profiles them all.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";
import { signalGroup, startProcessGroup } from "@slipway/shared/processes";
import { request } from "undici";
import { startPostgres, startRedis } from "../../keys/test/harness/servers.js";
import { benchHost, createBenchKey, writeSentinelConfig } from "./bench-fixture.js";
import { groupCpuMs } from "./group-cpu.js";
import { type Running, startNginx, stopPeer, upstreamConfig } from "./peers.js";
import { runWrk } from "./wrk.js";

const rounds = Number(process.env.AB_ROUNDS ?? 4);
const seconds = Number(process.env.AB_SECONDS ?? 4);
const connections = Number(process.env.AB_CONNECTIONS ?? 32);
const prof = process.env.AB_CPU_PROF;
const dir = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "slipway-cpu-ab-"));
chmodSync(scratch, 0o755);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: Running[] = [];
const stops: Array<() => Promise<void>> = [];

function node(name: string, script: string, env: Record<string, string>, port: number): Running {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const profArgs = prof ? ["--cpu-prof", `--cpu-prof-dir=${join(prof, name)}`] : [];
  const peer = startProcessGroup(
    process.execPath,
    [...loader, ...profArgs, script],
    join(scratch, `${name}.log`),
    { ...process.env, ...env, SENTINEL_WORKERS: "1" },
    { name, port },
  );
  running.push(peer);
  return peer;
}

try {
  const postgres = await startPostgres(join(scratch, "postgres"));
  stops.push(postgres.stop);
  const redis = await startRedis(join(scratch, "redis"));
  stops.push(redis.stop);
  const key = await createBenchKey(postgres.url);
  const extra = (process.env.AB_ENTRIES ?? "")
    .split(",")
    .filter(Boolean)
    .map((pair) => pair.split("=") as [string, string]);
  const ports = await findFreePorts(2 + (1 + extra.length) * 2);
  const [upstreamPort, floorPort] = ports as [number, number];
  running.push(
    startNginx("upstream", scratch, upstreamPort, upstreamConfig(scratch, upstreamPort)),
  );
  const configFile = join(scratch, "sentinel.json");
  writeSentinelConfig(configFile, key, upstreamPort);
  const sentinelEnv = (i: number) => ({
    SENTINEL_CONFIG_FILE: configFile,
    BENCH_DATABASE_URL: postgres.url,
    BENCH_REDIS_URL: redis.url,
    SENTINEL_PORT: String(ports[2 + i * 2]),
    SENTINEL_ADMIN_PORT: String(ports[3 + i * 2]),
    // An entry may be a floor build too.
    FLOOR_PORT: String(ports[2 + i * 2]),
    FLOOR_UPSTREAM_PORT: String(upstreamPort),
  });
  const targets: Array<[string, Running]> = [
    [
      "floor",
      node(
        "floor",
        join(dir, "bench/node-floor.ts"),
        { FLOOR_PORT: String(floorPort), FLOOR_UPSTREAM_PORT: String(upstreamPort) },
        floorPort,
      ),
    ],
  ];
  const entries: Array<[string, string]> = [
    ["sentinel", join(dir, "bench/bench-sentinel.ts")],
    ...extra,
  ];
  entries.forEach(([name, script], i) => {
    const env = sentinelEnv(i);
    targets.push([name, node(name, script, env, Number(env.SENTINEL_PORT))]);
  });
  const headers = { Host: benchHost, authorization: `Bearer ${key.key}` };
  for (const [name, peer] of targets) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await request(`http://127.0.0.1:${peer.port}/v1/things?x=1`, { headers });
        const body = await r.body.text();
        if (r.statusCode === 200 && body === "hello, world\n") break;
        throw new Error(`${name}: ${r.statusCode} ${body}`);
      } catch (error) {
        if (peer.exit || Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }
  const results = new Map<string, number[]>();
  console.log(
    `load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}`,
  );
  for (let round = 0; round <= rounds; round++) {
    const line: string[] = [];
    for (const [name, peer] of targets) {
      const run = {
        url: `http://127.0.0.1:${peer.port}/v1/things?x=1`,
        headers,
        threads: 1,
        connections,
        seconds: round === 0 ? 2 : seconds,
      };
      const before = groupCpuMs(peer.pid);
      const result = await runWrk(run);
      const us = ((groupCpuMs(peer.pid) - before) * 1000) / Math.max(1, result.requests);
      if (result.failures > 0) throw new Error(`${name}: ${result.failures} failures`);
      if (round === 0) continue; // warm-up
      results.set(name, [...(results.get(name) ?? []), us]);
      line.push(`${name} ${us.toFixed(0)} µs/req (${result.requestsPerSecond.toFixed(0)}/s)`);
    }
    if (round > 0) console.log(`round ${round}: ${line.join("  ")}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = median(results.get("floor")!);
  for (const [name, xs] of results) {
    console.log(
      `${name.padEnd(12)} median ${median(xs).toFixed(0)} µs/req  (${(median(xs) / floor).toFixed(2)}x floor; ${(median(xs) - floor).toFixed(0)} µs above)`,
    );
  }
  console.log(
    `load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}`,
  );
} finally {
  for (const peer of running) stopPeer(peer);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await sleep(1500);
  for (const peer of running) if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
  if (process.env.AB_KEEP) console.log(scratch);
  else rmSync(scratch, { recursive: true, force: true });
}
