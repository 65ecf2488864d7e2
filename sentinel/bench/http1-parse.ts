// Micro-benchmark of the HTTP/1.1 head parsers in src/http1, next to Node's own llhttp on the
// same bytes. Run: npx tsx sentinel/bench/http1-parse.ts [iterations, default 1000000]
// One core, ~15 s; numbers are the best of 3 rounds, ns per parse of a whole head (rawHeaders
// strings included on both sides: llhttp's binding builds its header array in C++).
import { createRequire } from "node:module";
import { ChunkedDecoder } from "../src/http1/chunked-decoder.js";
import { parseRequestHead } from "../src/http1/request-head.js";
import { parseResponseHead } from "../src/http1/response-head.js";

const iterations = Number(process.argv[2] ?? 1_000_000);

const requestHead = Buffer.from(
  "GET /api/v1/users/123?include=profile HTTP/1.1\r\n" +
    "Host: app.example.com\r\n" +
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
    "Accept: application/json, text/plain, */*\r\n" +
    "Accept-Encoding: gzip, deflate, br\r\n" +
    "Accept-Language: en-US,en;q=0.9\r\n" +
    "Connection: keep-alive\r\n" +
    "Cookie: session=7d1c0f3e9a; theme=dark\r\n" +
    "X-Request-Id: 5b0e8c1a-3f2d-4e6b-9a7c-1d2e3f4a5b6c\r\n\r\n",
  "latin1",
);
const responseHead = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 512\r\n" +
    'Date: Tue, 11 Jun 2024 06:00:00 GMT\r\nCache-Control: no-store\r\nETag: W/"200-abc"\r\n' +
    "Vary: Accept-Encoding\r\nX-Powered-By: app\r\nConnection: keep-alive\r\n\r\n",
  "latin1",
);
const chunkedBody = Buffer.from(
  `${"400\r\n".concat("x".repeat(1024), "\r\n").repeat(4)}0\r\n\r\n`,
  "latin1",
);

/** Best of `rounds` timed runs (the machine is shared; the fastest run is the least disturbed). */
function measure(name: string, parseOnce: () => number, rounds = 3): void {
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 200_000); i++) sink += parseOnce();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += parseOnce();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  console.log(`${name.padEnd(44)} ${best.toFixed(0).padStart(6)} ns/parse  (sink ${sink})`);
}

measure("parseRequestHead (8 fields)", () => {
  const head = parseRequestHead(requestHead);
  return head.kind === "head" ? head.rawHeaders.length : -1;
});

measure("parseResponseHead (8 fields)", () => {
  const head = parseResponseHead(responseHead, "GET");
  return head.kind === "head" ? head.rawHeaders.length : -1;
});

const decoder = new ChunkedDecoder();
measure("ChunkedDecoder.relay (4 x 1 KiB chunks)", () => {
  decoder.reset();
  const result = decoder.relay(chunkedBody);
  return result.kind === "relay" ? result.messageBytes : -1;
});

/**
 * llhttp through Node's internal HTTPParser binding, as node:http drives it (`_http_common` is
 * the module node:http itself loads it from; `process.binding('http_parser')` would print a
 * deprecation warning). The parser is reused: after a complete head with no body it is ready
 * for the next one, as on a keep-alive connection.
 */
function measureLlhttp(): void {
  let HTTPParser: {
    new (): {
      initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
      execute(data: Buffer): number | Error;
      [key: number]: unknown;
    };
    REQUEST: number;
    kOnHeadersComplete: number;
    kOnMessageComplete: number;
  };
  try {
    ({ HTTPParser } = createRequire(import.meta.url)("_http_common"));
  } catch (error) {
    console.log(`llhttp: not reachable here (${String(error)})`);
    return;
  }
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  let fields = 0;
  parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, headers: string[]) => {
    fields = headers.length;
    return 0;
  };
  parser[HTTPParser.kOnMessageComplete] = () => 0;
  const check = parser.execute(requestHead);
  if (typeof check !== "number" || fields !== 16) {
    console.log(`llhttp: unexpected result ${String(check)} (${fields} header strings)`);
    return;
  }
  measure("llhttp via node:http's HTTPParser (8 fields)", () => {
    parser.execute(requestHead);
    return fields;
  });
}

measureLlhttp();
