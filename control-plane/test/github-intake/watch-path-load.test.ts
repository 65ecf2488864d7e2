import { randomUUID } from "node:crypto";
import { globLimits } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { minimatch } from "minimatch";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import { examplePush, startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

// Watch paths are a tenant's patterns matched in the process that also answers the API (under
// `npm start` they share one event loop): no pattern the API accepts may stall it.

let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("globs"));
});

const setWatchPaths = (watchPaths: string[]) =>
  pipeline.api.post(
    "/v2/environments.updateSettings",
    { project: "globs", app: "web", environment: "preview", watchPaths },
    workspace.rootKey,
  );

/** The costliest patterns the API accepts: the most alternatives, stars and globstars allowed. */
const worstAccepted = Array.from(
  { length: globLimits.totalAlternatives / globLimits.alternatives },
  (_, i) => `{a,b}{c,d}{e,f}{g,h}{i,j}/${Array(8).fill("**").join("/")}/${"*a".repeat(60)}*b${i}`,
);

describe("watch paths a tenant saves", () => {
  it("refuses, with a 400 naming the pattern, what could make matching slow or cannot match", async () => {
    for (const [patterns, detail] of [
      [["{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}/**"], /watch path 1 .* more than 32 alternatives/],
      [[...worstAccepted, "{a,b}/x"], /alternatives together/],
      [["src/**", `${Array(9).fill("**").join("/")}/x`], /watch path 2 .* '\*\*' segments/],
      [["!docs/**"], /negation is not supported/],
      [["src/{a,b"], /never closed/],
    ] as const) {
      const response = await setWatchPaths([...patterns]);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(JSON.stringify(body.error)).toMatch(detail);
      expect(body.meta.requestId).toMatch(/^req_/);
    }
    expect((await setWatchPaths(worstAccepted)).status).toBe(200);
  });

  it("agrees with minimatch on the patterns people write", async () => {
    const { compileGlob, globMatches } = await import("@slipway/shared");
    const patterns = ["src/**", "**/*.go", "docs/*.md", "{api,web}/**", "*.{js,ts}", "a/**/b"];
    const paths = [
      "src/a.ts",
      "main.go",
      "cmd/x/main.go",
      "docs/a.md",
      "docs/x/a.md",
      "web/i.html",
      "x.ts",
      "a/b",
      "a/x/y/b",
      ".github/ci.yml",
    ];
    for (const pattern of patterns) {
      for (const path of paths) {
        expect(globMatches(compileGlob(pattern), path), `${pattern} ~ ${path}`).toBe(
          minimatch(path, pattern, { dot: true }),
        );
      }
    }
  });

  it("leaves the API answering while the worst accepted patterns meet a push of 3000 files", async () => {
    expect((await setWatchPaths(worstAccepted)).status).toBe(200);
    const payload = examplePush({ branch: "huge-change", after: "f".repeat(40) });
    // Long paths that every pattern nearly matches: the most work per file.
    const files = Array.from(
      { length: 3000 },
      (_, i) => `acegi/${"a/".repeat(20)}${"a".repeat(150)}-${i}`,
    );
    payload.commits = [{ ...payload.commits[0], added: files, modified: [], removed: [] }];
    const deliveryId = randomUUID();
    const liveness = async () => {
      const started = performance.now();
      expect((await fetch(`${pipeline.api.url}/v2/liveness`)).status).toBe(200);
      return performance.now() - started;
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
    // The same probe with nothing to match, in the same run: what this machine gives right now.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      idle.push(await liveness());
      await pause();
    }
    const latencies: number[] = [];
    let done = false;
    const processed = pipeline.processed(deliveryId).finally(() => {
      done = true;
    });
    expect((await pipeline.deliver("push", payload, { deliveryId })).status).toBe(202);
    while (!done) {
      latencies.push(await liveness());
      await pause();
    }
    await processed;
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, payload.after));
    expect(row?.status).toBe("skipped");
    expect(row?.skipReason).toContain("No changed file matches the watch paths");
    const p95 = (values: number[]) =>
      values.sort((x, y) => x - y)[Math.floor(values.length * 0.95)]!;
    expect(latencies.length).toBeGreaterThan(5);
    // The bound: the matching adds at most 50 ms to liveness answers (over the same
    // probe's answers on this machine a moment before, so a busy CI machine does not count).
    expect(p95(latencies) - p95(idle)).toBeLessThan(50);
  });
});
