import { describe, expect, it } from "vitest";
import { BodyCapture } from "./body-capture.js";
import { buildLogRecord, type RequestFacts, redactQuery } from "./build-log-record.js";
import { LogBatcher } from "./log-batcher.js";

const noLogging = {
  requestHeaders: false,
  responseHeaders: false,
  requestBody: false,
  responseBody: false,
  query: false,
};
const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({
  time: 1_700_000_000_000,
  requestId: "req_1",
  host: "api.example.com",
  method: "POST",
  path: "/v1/things",
  rawQuery: "api_key=sk_live&x=1",
  status: 201,
  totalLatencyMs: 12.5,
  upstreamLatencyMs: 10,
  region: "eu-1",
  instance: "pod-a",
  deploymentId: "dep_1",
  outcome: "allowed",
  clientIp: "203.0.113.7",
  userAgent: "curl/8",
  logging: noLogging,
  redact: { headers: new Set(["authorization", "x-api-key"]), queryParams: new Set(["api_key"]) },
  requestHeaders: { authorization: ["Bearer sk_live"], "x-api-key": ["sk_live"], accept: ["*/*"] },
  responseHeaders: {
    "content-type": "application/json",
    "set-cookie": ["s=1"],
    "content-length": 2,
  },
  ...overrides,
});

describe("buildLogRecord", () => {
  it("records the basics and nothing captured without a logging policy", () => {
    expect(buildLogRecord(facts())).toEqual({
      time: 1_700_000_000_000,
      requestId: "req_1",
      host: "api.example.com",
      method: "POST",
      path: "/v1/things",
      status: 201,
      totalLatencyMs: 12.5,
      upstreamLatencyMs: 10,
      sentinelLatencyMs: 2.5,
      region: "eu-1",
      instance: "pod-a",
      deploymentId: "dep_1",
      outcome: "allowed",
      clientIp: "203.0.113.7",
      userAgent: "curl/8",
    });
  });

  it("captures what the logging policy asks for, with key locations redacted and bodies capped", () => {
    const requestBody = new BodyCapture();
    requestBody.push(Buffer.alloc(70 * 1024, "a"));
    const responseBody = new BodyCapture();
    responseBody.push("{}");
    const record = buildLogRecord(
      facts({
        logging: {
          requestHeaders: true,
          responseHeaders: true,
          requestBody: true,
          responseBody: true,
          query: true,
        },
        requestBody,
        responseBody,
      }),
    );
    expect(record.query).toBe("api_key=[REDACTED]&x=1");
    expect(record.requestHeaders).toEqual({
      authorization: ["[REDACTED]"],
      "x-api-key": ["[REDACTED]"],
      accept: ["*/*"],
    });
    expect(record.responseHeaders).toEqual({
      "content-type": ["application/json"],
      "set-cookie": ["[REDACTED]"],
      "content-length": ["2"],
    });
    expect(record.requestBody).toHaveLength(64 * 1024);
    expect(record.requestBodyTruncated).toBe(true);
    expect(record).toMatchObject({ responseBody: "{}", responseBodyTruncated: false });
  });

  it("records the policy of a denial", () => {
    expect(
      buildLogRecord(
        facts({ outcome: "denied", status: 403, policy: { id: "pol_1", name: "fw" } }),
      ),
    ).toMatchObject({ policyId: "pol_1", policyName: "fw", outcome: "denied" });
  });
});

describe("redactQuery", () => {
  it("redacts encoded names too and keeps the rest as sent", () => {
    expect(redactQuery("a=1&api%5Fkey=s&api_key&b=%20", new Set(["api_key"]))).toBe(
      "a=1&api%5Fkey=[REDACTED]&api_key=[REDACTED]&b=%20",
    );
  });
});

describe("LogBatcher", () => {
  it("writes in batches and counts what a failing sink dropped", async () => {
    const batches: number[] = [];
    let fail = false;
    const batcher = new LogBatcher(
      {
        async write(records) {
          if (fail) throw new Error("store down");
          batches.push(records.length);
        },
      },
      { maxBatch: 3, flushIntervalMs: 10_000 },
    );
    for (let i = 0; i < 7; i++) batcher.push(buildLogRecord(facts()));
    await batcher.flush();
    expect(batches).toEqual([3, 3, 1]);
    fail = true;
    batcher.push(buildLogRecord(facts()));
    batcher.push(buildLogRecord(facts()));
    await batcher.flush();
    expect({ written: batcher.written, dropped: batcher.dropped }).toEqual({
      written: 7,
      dropped: 2,
    });
  });

  it("drops and counts past the queue bound instead of holding memory", async () => {
    const batcher = new LogBatcher(
      { write: () => new Promise(() => undefined) },
      { maxBatch: 1000, maxQueued: 2 },
    );
    for (let i = 0; i < 5; i++) batcher.push(buildLogRecord(facts()));
    expect(batcher.dropped).toBe(3);
  });
});
