// Instructions per request under valgrind's callgrind: deterministic where CPU time on a shared
// machine is not. Each target (the floor, Sentinel, AB_ENTRIES="name=script,...") runs alone,
// one worker, under `valgrind --tool=callgrind --instr-atstart=no`; after a warm-up, collection
// is switched on for CG_REQUESTS requests (CG_CONCURRENCY in flight) and the total Ir divided.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";
import { signalGroup, startProcessGroup } from "@slipway/shared/processes";
import { Pool } from "undici";
import { startPostgres, startRedis } from "../../keys/test/harness/servers.js";
import { benchHost, createBenchKey, writeSentinelConfig } from "./bench-fixture.js";
import { type Running, startNginx, stopPeer, upstreamConfig } from "./peers.js";

const requests = Number(process.env.CG_REQUESTS ?? 2000);
const warmup = Number(process.env.CG_WARMUP ?? 3000);
const concurrency = Number(process.env.CG_CONCURRENCY ?? 8);
const only = process.env.CG_ONLY?.split(",");
// CG_BUNDLE=1: run the esbuild bundles (node scripts/images/bundle-service.mjs sentinel
// bench/bench-sentinel.ts bench/node-floor.ts), as the image does, instead of tsx.
const bundled = process.env.CG_BUNDLE === "1";
const dir = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "slipway-callgrind-"));
chmodSync(scratch, 0o755);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: Running[] = [];
const stops: Array<() => Promise<void>> = [];

async function load(port: number, headers: Record<string, string>, total: number) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
  let sent = 0;
  let failed = 0;
  const lane = async () => {
    while (sent < total) {
      sent++;
      try {
        const r = await pool.request({ path: "/v1/things?x=1", method: "GET", headers });
        const body = await r.body.text();
        if (r.statusCode !== 200 || body !== "hello, world\n") failed++;
      } catch (error) {
        // Under valgrind a kept-alive connection can outlive a timer on one side: sent again.
        if ((error as { code?: string }).code !== "ECONNRESET") throw error;
        sent--;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await pool.close();
  if (failed) throw new Error(`${failed} of ${total} requests failed`);
}

function totalIr(file: string): number {
  const text = readFileSync(file, "utf8");
  const match = /^totals:\s+(\d+)/m.exec(text);
  if (!match) throw new Error(`no totals in ${file}`);
  return Number(match[1]);
}

try {
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
  const headers = { host: benchHost, authorization: `Bearer ${key.key}` };
  const targets: Array<[string, string]> = [
    ["floor", join(dir, bundled ? "bundle/bin/node-floor.mjs" : "bench/node-floor.ts")],
    ["sentinel", join(dir, bundled ? "bundle/bin/bench-sentinel.mjs" : "bench/bench-sentinel.ts")],
    ...(process.env.AB_ENTRIES ?? "")
      .split(",")
      .filter(Boolean)
      .map((pair) => pair.split("=") as [string, string]),
  ];
  console.log(
    `load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}; ${requests} requests, ${concurrency} in flight`,
  );
  const perRequest = new Map<string, number>();
  for (const [name, script] of targets) {
    if (only && !only.includes(name)) continue;
    const out = join(scratch, `callgrind.${name}.out`);
    const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
    const peer = startProcessGroup(
      "valgrind",
      [
        "--tool=callgrind",
        "--instr-atstart=no",
        `--callgrind-out-file=${out}`,
        process.execPath,
        ...loader,
        script,
      ],
      join(scratch, `${name}.log`),
      {
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
      { name, port },
    );
    running.push(peer);
    const deadline = Date.now() + 300_000;
    for (;;) {
      try {
        await load(port, headers, 1);
        break;
      } catch (error) {
        if (peer.exit || Date.now() > deadline) throw error;
        await sleep(1000);
      }
    }
    await load(port, headers, warmup);
    execFileSync("callgrind_control", ["-i", "on", String(peer.pid)], { stdio: "ignore" });
    await load(port, headers, requests);
    execFileSync("callgrind_control", ["-i", "off", String(peer.pid)], { stdio: "ignore" });
    execFileSync("callgrind_control", ["-d", String(peer.pid)], { stdio: "ignore" });
    stopPeer(peer);
    const end = Date.now() + 60_000;
    while (!peer.exit && Date.now() < end) await sleep(200);
    if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
    const files = execFileSync("sh", ["-c", `ls ${out}*`], { encoding: "utf8" })
      .trim()
      .split("\n");
    // The dump after collection was switched off holds the measured part (dump numbering: .1).
    const measured = files.map((f) => ({ f, ir: totalIr(f) })).sort((a, b) => b.ir - a.ir)[0]!;
    perRequest.set(name, measured.ir / requests);
    console.log(
      `${name.padEnd(12)} ${(measured.ir / requests / 1000).toFixed(0)} k instructions/request (${measured.f})`,
    );
  }
  const floor = perRequest.get("floor");
  if (floor) {
    for (const [name, ir] of perRequest)
      console.log(`${name.padEnd(12)} ${(ir / floor).toFixed(2)}x floor`);
  }
} finally {
  for (const peer of running) stopPeer(peer);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await sleep(1000);
  for (const peer of running) if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
  if (process.env.CG_KEEP) console.log(scratch);
  else rmSync(scratch, { recursive: true, force: true });
}
