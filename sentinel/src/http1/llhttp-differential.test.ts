// Differential fuzz against llhttp, the parser of node:http (so of most apps behind Sentinel,
// and of many clients in front of it): mutated heads this parser accepts must be read by
// llhttp as the same message, with the same body and the same next message, or be refused by
// it. Two parsers that both accept bytes but disagree on where a message ends is what request
// smuggling and response splitting need.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/seeded-random.js";
import { ChunkedDecoder } from "./chunked-decoder.js";
import type { BodyFraming } from "./framing-fields.js";
import { parseRequestHead } from "./request-head.js";
import { parseResponseHead, type ResponseFraming } from "./response-head.js";

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): undefined | Error;
  [callback: number]: unknown;
}
interface HttpCommon {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
  methods: string[];
}

// The module node:http loads its parser from; `process.binding` would warn.
const { HTTPParser, methods } = createRequire(import.meta.url)("_http_common") as HttpCommon;

interface LlhttpMessage {
  /** `METHOD target` or `status reason` */
  startLine: string;
  headers: string[];
  keepAlive: boolean;
  body: string;
  complete: boolean;
}

/** Every message llhttp reads from `stream` (then EOF), or its error. */
function llhttpRead(type: number, stream: Buffer): LlhttpMessage[] | Error {
  const parser = new HTTPParser();
  parser.initialize(type, {}, 0, 0);
  const messages: LlhttpMessage[] = [];
  let pending: string[] = [];
  let url = "";
  parser[HTTPParser.kOnHeaders] = (headers: string[], partialUrl: string) => {
    pending = pending.concat(headers);
    url += partialUrl;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    ...[, , headers, method, lastUrl, status, reason, , keepAlive]: [
      number,
      number,
      string[] | undefined,
      number,
      string | undefined,
      number,
      string | undefined,
      boolean,
      boolean,
    ]
  ) => {
    messages.push({
      startLine:
        type === HTTPParser.REQUEST
          ? `${methods[method]} ${url}${lastUrl ?? ""}`
          : `${status} ${reason ?? ""}`,
      headers: headers ? pending.concat(headers) : pending,
      keepAlive,
      body: "",
      complete: false,
    });
    pending = [];
    url = "";
    return 0;
  };
  parser[HTTPParser.kOnBody] = (body: Buffer) => {
    const last = messages.at(-1);
    if (last) last.body += body.toString("latin1");
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    const last = messages.at(-1);
    if (last) last.complete = true;
    // Trailers arrive through kOnHeaders too; they belong to no next message.
    pending = [];
    url = "";
  };
  const result = parser.execute(stream);
  if (result instanceof Error) return result;
  const end = parser.finish();
  return end instanceof Error ? end : messages;
}

const interestingBytes = Buffer.from(
  ' \t\r\n\x00:,;0123459aAzZ-_"\x0b\x7f\x80\xff/?#%@[]',
  "latin1",
);
const interestingLines = [
  "Transfer-Encoding: chunked",
  "Transfer-Encoding: identity",
  "Content-Length: 3",
  "Content-Length: 0",
  "Connection: close",
  "Connection: keep-alive",
  "Host: b.test",
  " folded",
];

/** 1–3 edits: a byte replaced, inserted or deleted, or a field line inserted. */
function mutate(seed: string, random: () => number): Buffer {
  let bytes = Buffer.from(seed, "latin1");
  const operations = 1 + Math.floor(random() * 3);
  for (let i = 0; i < operations; i++) {
    const at = Math.floor(random() * bytes.length);
    const pick = Math.floor(random() * interestingBytes.length);
    const kind = random();
    if (kind < 0.35) {
      bytes[at] = interestingBytes[pick]!;
    } else if (kind < 0.6) {
      const inserted = interestingBytes.subarray(pick, pick + 1);
      bytes = Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
    } else if (kind < 0.8) {
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    } else {
      const lineStart = bytes.indexOf("\r\n") + 2;
      const line = interestingLines[Math.floor(random() * interestingLines.length)]!;
      const inserted = Buffer.from(`${line}\r\n`, "latin1");
      bytes = Buffer.concat([bytes.subarray(0, lineStart), inserted, bytes.subarray(lineStart)]);
    }
  }
  return bytes;
}

/** The body our framing says follows the head (wire bytes and payload), if small enough. */
function bodyFor(framing: BodyFraming | ResponseFraming): [string, string] | undefined {
  if (framing.kind === "none") return ["", ""];
  if (framing.kind === "chunked") return ["3\r\nabc\r\n0\r\n\r\n", "abc"];
  if (framing.kind === "close") return ["until the end", "until the end"];
  return framing.length > 10_000
    ? undefined
    : ["x".repeat(framing.length), "x".repeat(framing.length)];
}

interface OurReading {
  startLine: string;
  headBytes: number;
  rawHeaders: string[];
  framing: BodyFraming | ResponseFraming;
  keepAlive: boolean;
}

/**
 * Mutates `seeds` `rounds` times; wherever we accept and llhttp does not refuse, both must see
 * the same message, body and next message. Returns how many inputs both accepted.
 */
function compare(
  type: number,
  seeds: string[],
  next: string,
  read: (input: Buffer) => OurReading | undefined,
): number {
  const random = seededRandom(9112 + type);
  let bothAccepted = 0;
  for (let round = 0; round < 20_000; round++) {
    const input = mutate(seeds[round % seeds.length]!, random);
    const ours = read(input);
    const body = ours && bodyFor(ours.framing);
    if (!ours || !body) continue;
    const continues = ours.keepAlive && ours.framing.kind !== "close";
    const stream = Buffer.concat([
      input.subarray(0, ours.headBytes),
      Buffer.from(body[0] + (continues ? next : ""), "latin1"),
    ]);
    const theirs = llhttpRead(type, stream);
    if (theirs instanceof Error) continue; // refused by llhttp: no desync possible
    bothAccepted++;
    const context = JSON.stringify(input.toString("latin1"));
    expect(theirs.length, context).toBe(continues ? 2 : 1);
    const first = theirs[0]!;
    expect(
      {
        startLine: first.startLine,
        headers: first.headers,
        body: first.body,
        complete: first.complete,
      },
      context,
    ).toEqual({
      startLine: ours.startLine,
      headers: ours.rawHeaders,
      body: body[1],
      complete: true,
    });
    // Keep-alive may differ only towards closing here (`Connection: close, keep-alive`: close
    // wins for us, the last token for llhttp); a connection closed early desyncs nothing.
    if (continues) {
      expect(first.keepAlive, context).toBe(true);
      expect(theirs[1], context).toMatchObject({ complete: true });
    }
  }
  return bothAccepted;
}

describe("heads this parser accepts, llhttp reads the same way", () => {
  it("requests: 20000 mutated heads", () => {
    const seeds = [
      "GET /a?b=c HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\nX-Long: some value, here\r\n\r\n",
      "POST /p HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n",
      "POST /c HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n",
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
      "DELETE /d HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\nContent-Length: 2\r\n\r\n",
    ];
    const bothAccepted = compare(
      HTTPParser.REQUEST,
      seeds,
      "GET /next HTTP/1.1\r\nHost: a.test\r\n\r\n",
      (input) => {
        const head = parseRequestHead(input);
        if (head.kind !== "head" || head.upgrade) return undefined;
        return { ...head, startLine: `${head.method} ${head.target}` };
      },
    );
    // The comparison must have run on many inputs, or this test proves nothing.
    expect(bothAccepted).toBeGreaterThan(2_000);
  });

  it("responses: 20000 mutated heads", () => {
    const seeds = [
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n",
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\n",
    ];
    const bothAccepted = compare(
      HTTPParser.RESPONSE,
      seeds,
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      (input) => {
        const head = parseResponseHead(input, "GET");
        if (head.kind !== "head" || head.informational || head.switchingProtocols) return undefined;
        return { ...head, startLine: `${head.status} ${head.reason}` };
      },
    );
    expect(bothAccepted).toBeGreaterThan(2_000);
  });

  it("chunked bodies: 40000 mutated bodies", () => {
    const head = "POST /c HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n";
    const next = "GET /next HTTP/1.1\r\nHost: a.test\r\n\r\n";
    const seeds = [
      "5\r\nhello\r\n0\r\n\r\n",
      "3;a=b\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
      "1\r\nx\r\n0\r\nX-T: v\r\n\r\n",
      '2;q="a b";r\r\nab\r\n00\r\n\r\n',
    ];
    const random = seededRandom(7112);
    let bothAccepted = 0;
    for (let round = 0; round < 40_000; round++) {
      const input = mutate(seeds[round % seeds.length]!, random);
      const ours = new ChunkedDecoder().push(input);
      if (ours.kind !== "data" || !ours.done) continue;
      const messageBytes = input.length - (ours.rest?.length ?? 0);
      // Our end of the message, then another request: llhttp must end the body exactly there.
      const stream = Buffer.concat([
        Buffer.from(head, "latin1"),
        input.subarray(0, messageBytes),
        Buffer.from(next, "latin1"),
      ]);
      const theirs = llhttpRead(HTTPParser.REQUEST, stream);
      if (theirs instanceof Error) continue;
      bothAccepted++;
      const context = JSON.stringify(input.subarray(0, messageBytes).toString("latin1"));
      expect(theirs.length, context).toBe(2);
      expect(theirs[0], context).toMatchObject({
        body: Buffer.concat(ours.data).toString("latin1"),
        complete: true,
      });
      expect(theirs[1], context).toMatchObject({ startLine: "GET /next", complete: true });
    }
    expect(bothAccepted).toBeGreaterThan(2_000);
  });
});
