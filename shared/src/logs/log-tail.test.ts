import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLines, readLogTail } from "./log-tail.js";

const dir = await mkdtemp(join(tmpdir(), "slipway-log-tail-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("readLogTail", () => {
  it("returns the last lines without the trailing newline", async () => {
    const log = join(dir, "a.log");
    await writeFile(log, "one\ntwo\nthree\nfour\n\n");
    expect(await readLogTail(log, 2)).toBe("three\nfour");
    expect(await readLogTail(log)).toBe("one\ntwo\nthree\nfour");
  });

  it("reads only the end of a large log", async () => {
    const log = join(dir, "large.log");
    await writeFile(log, `${"x".repeat(200_000)}\nlast line\n`);
    expect(await readLogTail(log, 1)).toBe("last line");
    expect((await readLogTail(log, 2)).length).toBeLessThanOrEqual(64 * 1024);
  });

  it("says so when there is no log", async () => {
    const missing = join(dir, "missing.log");
    expect(await readLogTail(missing)).toBe(`(no log at ${missing})`);
  });
});

describe("lastLines", () => {
  it("keeps the last n lines", () => {
    expect(lastLines("a\nb\nc \n", 2)).toBe("b\nc");
    expect(lastLines("a", 5)).toBe("a");
  });
});
