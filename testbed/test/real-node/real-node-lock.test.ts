import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdRealNodeLock } from "../../src/real-node/real-node-lock.js";

let dir: string;
let lockFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "real-node-lock-"));
  lockFile = join(dir, "real-node.lock");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * "waiting" if the lock is still not taken after 500 ms. Only ever expected to say "waiting"
 * (a slow machine cannot make that pass wrongly); taking it afterwards is awaited without a bound.
 */
async function stateAfterAWhile(taking: Promise<unknown>) {
  const waiting = new Promise((resolve) => setTimeout(() => resolve("waiting"), 500));
  return Promise.race([taking.then(() => "held"), waiting]);
}

describe("the real-node lock", () => {
  it("makes a second holder wait until the first releases it", async () => {
    const first = await holdRealNodeLock(lockFile);
    const taking = holdRealNodeLock(lockFile);
    expect(await stateAfterAWhile(taking)).toBe("waiting");
    await first.release();
    await (await taking).release();
  });

  it("is free again once a holder process dies without releasing it", async () => {
    // Another process takes the lock through the same module, then is killed.
    const holder = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("${join(import.meta.dirname, "../../src/real-node/real-node-lock.ts")}").then(async (m) => { await m.holdRealNodeLock(${JSON.stringify(lockFile)}); console.log("held"); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    const taking = holdRealNodeLock(lockFile);
    expect(await stateAfterAWhile(taking)).toBe("waiting");
    holder.kill("SIGKILL");
    await (await taking).release();
  });
});
