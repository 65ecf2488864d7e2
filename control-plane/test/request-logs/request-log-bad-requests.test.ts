import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace();
});

const day = 86_400_000;
const now = Date.now();

describe("request-log endpoints refuse bad filters with a 400 in the API's envelope", () => {
  const listCases: Array<[string, Record<string, unknown>]> = [
    ["a status code out of range", { status: [600] }],
    ["an unknown status class", { status: ["6xx"] }],
    ["an empty status list", { status: [] }],
    ["a method that is not a token", { methods: ["GE T"] }],
    ["too many hosts", { hosts: Array.from({ length: 21 }, (_, i) => `h${i}.test`) }],
    ["a path prefix without a slash", { pathPrefix: "admin" }],
    ["a window longer than 31 days", { since: now - 32 * day, until: now }],
    ["since after until", { since: now, until: now - 1000 }],
    ["a time past what a date holds", { since: 1e300 }],
    ["a fractional time", { until: 1.5 }],
    ["a cursor this endpoint never made", { cursor: "bm90LWEtY3Vyc29y" }],
    ["a page of payloads too long", { includePayloads: true, limit: 50 }],
    ["a field it does not know", { workspaceId: "ws_other" }],
    ["a limit over 100", { limit: 101 }],
  ];
  it.each(listCases)("listRequestLogs: %s", async (_name, body) => {
    const response = await api.post("/v2/requestLogs.listRequestLogs", body, workspace.rootKey);
    const answer = await response.json();
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.meta.requestId).toMatch(/^req_/);
    expect(answer.error).toMatchObject({ status: 400, title: "Bad Request" });
    expect(answer.error.detail.length).toBeGreaterThan(0);
  });

  const statsCases: Array<[string, Record<string, unknown>]> = [
    ["buckets narrower than a second", { bucketMs: 10 }],
    ["more than 1000 buckets", { since: now - 2 * day, until: now, bucketMs: 60_000 }],
    ["a window longer than 31 days", { since: 0, until: now }],
  ];
  it.each(statsCases)("getRequestLogStats: %s", async (_name, body) => {
    const response = await api.post("/v2/requestLogs.getRequestLogStats", body, workspace.rootKey);
    expect(response.status, await response.clone().text()).toBe(400);
  });

  it("answers a window with nothing in it, even where no partition exists", async () => {
    const response = await api.post(
      "/v2/requestLogs.getRequestLogStats",
      { since: now - 30 * day, until: now },
      workspace.rootKey,
    );
    expect(response.status).toBe(200);
    const { data } = await response.json();
    expect(data).toMatchObject({ since: now - 30 * day, until: now, bucketMs: 6 * 3_600_000 });
    expect(data.buckets).toEqual([]);
  });

  it("needs a root key", async () => {
    const response = await api.post("/v2/requestLogs.listRequestLogs", {});
    expect(response.status).toBe(401);
  });
});
