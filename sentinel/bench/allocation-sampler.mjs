// Preloaded (`node --import`) into a target of bench/per-request.ts --allocations: V8's sampling
// heap profiler, counting every sampled allocation including objects already collected, so the
// profile is what a request allocates, not what it keeps. SIGUSR2 starts it; SIGWINCH stops it
// and writes the profile to $PR_ALLOCATION_PROFILE.
import { writeFileSync } from "node:fs";
import inspector from "node:inspector";

const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

process.on("SIGUSR2", async () => {
  await post("HeapProfiler.enable");
  await post("HeapProfiler.startSampling", {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  process.stderr.write("allocation sampling started\n");
});

process.on("SIGWINCH", async () => {
  const { profile } = await post("HeapProfiler.stopSampling");
  writeFileSync(process.env.PR_ALLOCATION_PROFILE, JSON.stringify(profile));
  process.stderr.write("allocation profile written\n");
});
