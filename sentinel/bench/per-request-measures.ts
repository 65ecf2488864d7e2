// The four measurements of bench:sentinel:per-request, each of one target over the same
// warm-up and measured requests: instructions (callgrind), system calls (strace), a perf
// profile, and allocation (V8's GC trace and sampling heap profiler).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  parseGcTrace,
  parseStraceSummary,
  type SyscallCounts,
  summarizeAllocationProfile,
  summarizeCallgrind,
} from "./per-request-parse.js";
import {
  type Context,
  Driver,
  markPhase,
  type PerRequestRun,
  sleep,
  startTarget,
  stopTarget,
  type Target,
} from "./per-request-target.js";

export async function instructionsPerRequest(run: PerRequestRun, target: Target, context: Context) {
  const out = join(run.scratch, `callgrind.${target.name}.out`);
  const peer = startTarget(run, target, context, [
    "valgrind",
    "--tool=callgrind",
    "--instr-atstart=no",
    `--callgrind-out-file=${out}`,
  ]);
  const driver = new Driver(context.port, context.headers, run.concurrency);
  await driver.waitUntilServing(peer);
  await driver.send(run.warmup);
  execFileSync("callgrind_control", ["-i", "on", String(peer.pid)], { stdio: "ignore" });
  markPhase(run, target, "measuring instructions");
  await driver.send(run.requests);
  execFileSync("callgrind_control", ["-i", "off", String(peer.pid)], { stdio: "ignore" });
  markPhase(run, target, "measured");
  execFileSync("callgrind_control", ["-d", String(peer.pid)], { stdio: "ignore" });
  await driver.close();
  await stopTarget(peer);
  // The dump taken once collection was switched off holds the measured requests (`.1`).
  const profile = execFileSync(
    "callgrind_annotate",
    ["--inclusive=no", "--threshold=100", `${out}.1`],
    {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return summarizeCallgrind(profile, run.requests);
}

export async function syscallsPerRequest(
  run: PerRequestRun,
  target: Target,
  context: Context,
): Promise<SyscallCounts> {
  const peer = startTarget(run, target, context, []);
  const driver = new Driver(context.port, context.headers, run.concurrency);
  await driver.waitUntilServing(peer);
  await driver.send(run.warmup);
  const out = join(run.scratch, `strace.${target.name}.txt`);
  const strace = spawn("strace", ["-c", "-f", "-o", out, "-p", String(peer.pid)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  // strace reports each thread it attached to; give it a moment past the last one.
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    strace.stderr.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (/attached/.test(seen)) setTimeout(resolve, 500);
    });
    strace.once("exit", (code) => reject(new Error(`strace exited (${code}): ${seen}`)));
  });
  markPhase(run, target, "measuring syscalls");
  await driver.send(run.requests);
  markPhase(run, target, "measured");
  const exited = new Promise((resolve) => strace.once("exit", resolve));
  strace.kill("SIGINT");
  await exited;
  await driver.close();
  await stopTarget(peer);
  return parseStraceSummary(readFileSync(out, "utf8"), run.requests);
}

export async function perfProfile(
  run: PerRequestRun,
  target: Target,
  context: Context,
): Promise<string> {
  const peer = startTarget(
    run,
    target,
    context,
    [],
    [
      "--perf-basic-prof",
      // What the perf map implies besides the map: V8's own log, kept out of the working tree.
      `--logfile=${join(run.scratch, `v8.${target.name}.log`)}`,
      "--no-logfile-per-isolate",
    ],
  );
  const driver = new Driver(context.port, context.headers, run.concurrency);
  await driver.waitUntilServing(peer);
  await driver.send(run.warmup);
  const out = join(run.scratch, `perf.${target.name}.data`);
  const perf = spawn(
    "perf",
    [
      "record",
      ...(run.callGraph ? ["-g"] : []),
      ...["-e", "cpu-clock", "-F", "2000", "-o", out, "-p", String(peer.pid)],
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  await sleep(1000);
  await driver.send(run.requests);
  const exited = new Promise((resolve) => perf.once("exit", resolve));
  perf.kill("SIGINT");
  await exited;
  await driver.close();
  await stopTarget(peer);
  const report = execFileSync(
    "perf",
    [
      "report",
      "-i",
      out,
      "--stdio",
      "--no-children",
      "--sort",
      "dso,sym",
      "--percent-limit",
      "0.4",
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (!process.env.PR_KEEP) rmSync(`/tmp/perf-${peer.pid}.map`, { force: true });
  return report
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.slice(0, 160))
    .join("\n");
}

export async function allocationsPerRequest(run: PerRequestRun, target: Target, context: Context) {
  const profileFile = join(run.scratch, `allocations.${target.name}.json`);
  const sampler = join(run.sentinelDir, "bench/allocation-sampler.mjs");
  const peer = startTarget(
    run,
    target,
    { ...context, env: { ...context.env, PR_ALLOCATION_PROFILE: profileFile } },
    [],
    ["--trace-gc-nvp", "--import", sampler],
  );
  const driver = new Driver(context.port, context.headers, run.concurrency);
  await driver.waitUntilServing(peer);
  await driver.send(run.warmup);
  const log = join(run.scratch, `${target.name}.log`);
  const waitForLog = async (text: string) => {
    const deadline = Date.now() + 60_000;
    while (!readFileSync(log, "utf8").includes(text)) {
      if (Date.now() > deadline) throw new Error(`${target.name}: no "${text}" in its log`);
      await sleep(100);
    }
  };
  process.kill(peer.pid, "SIGUSR2");
  await waitForLog("allocation sampling started");
  markPhase(run, target, "measuring allocations");
  await driver.send(run.requests);
  markPhase(run, target, "measured");
  process.kill(peer.pid, "SIGWINCH");
  await waitForLog("allocation profile written");
  await driver.close();
  await stopTarget(peer);
  const text = readFileSync(log, "utf8");
  const window = text.slice(
    text.indexOf("=== per-request: measuring allocations"),
    text.lastIndexOf("=== per-request: measured"),
  );
  return {
    gc: parseGcTrace(window, run.requests),
    sampled: summarizeAllocationProfile(
      JSON.parse(readFileSync(profileFile, "utf8")),
      run.requests,
    ),
  };
}
