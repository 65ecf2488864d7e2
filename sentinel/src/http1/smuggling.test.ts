// Known request-smuggling payloads, read the way the engine reads a connection: a head, then
// the body its framing says, then the next head. Each must be refused, or read as exactly the
// requests a strict reader (the app behind Sentinel) would see.
import { describe, expect, it } from "vitest";
import { ChunkedDecoder } from "./chunked-decoder.js";
import { parseRequestHead } from "./request-head.js";

/** The requests on one connection as `METHOD target`, then `400: reason` if one is refused. */
function readConnection(text: string): string[] {
  let buffer = Buffer.from(text, "latin1");
  const seen: string[] = [];
  while (buffer.length > 0) {
    const head = parseRequestHead(buffer);
    if (head.kind === "incomplete") return [...seen, "incomplete"];
    if (head.kind === "error") return [...seen, `${head.status}: ${head.reason}`];
    seen.push(`${head.method} ${head.target}`);
    buffer = buffer.subarray(head.headBytes);
    if (head.framing.kind === "length") {
      if (buffer.length < head.framing.length) return [...seen, "incomplete body"];
      buffer = buffer.subarray(head.framing.length);
    } else if (head.framing.kind === "chunked") {
      const body = new ChunkedDecoder().relay(buffer);
      if (body.kind === "error") return [...seen, `body: ${body.reason}`];
      if (!body.done) return [...seen, "incomplete body"];
      buffer = buffer.subarray(body.messageBytes);
    }
  }
  return seen;
}

const post = (fieldLines: string[], body: string) =>
  `POST / HTTP/1.1\r\nHost: a.test\r\n${fieldLines.map((line) => `${line}\r\n`).join("")}\r\n${body}`;
const smuggled = "GET /admin HTTP/1.1\r\nHost: a.test\r\n\r\n";

describe("request smuggling payloads", () => {
  const refused: [string, string, string][] = [
    [
      "CL.TE",
      post(["Content-Length: 6", "Transfer-Encoding: chunked"], `0\r\n\r\n${smuggled}`),
      "400: both Transfer-Encoding and Content-Length",
    ],
    [
      "TE.CL",
      post(["Transfer-Encoding: chunked", "Content-Length: 4"], `5c\r\n${smuggled}\r\n0\r\n\r\n`),
      "400: both Transfer-Encoding and Content-Length",
    ],
    [
      "TE.TE: chunked, identity",
      post(["Transfer-Encoding: chunked, identity"], `0\r\n\r\n${smuggled}`),
      "400: chunked is not the final transfer coding",
    ],
    [
      "TE.TE: chunked then a second Transfer-Encoding",
      post(["Transfer-Encoding: chunked", "Transfer-Encoding: x"], `0\r\n\r\n${smuggled}`),
      "400: chunked is not the final transfer coding",
    ],
    [
      "TE.TE: xchunked",
      post(["Transfer-Encoding: xchunked"], `0\r\n\r\n${smuggled}`),
      "400: chunked is not the final transfer coding",
    ],
    [
      'TE.TE: "chunked" quoted',
      post(['Transfer-Encoding: "chunked"'], `0\r\n\r\n${smuggled}`),
      "400: chunked is not the final transfer coding",
    ],
    [
      "TE.TE: identity, chunked",
      post(["Transfer-Encoding: identity, chunked"], `0\r\n\r\n${smuggled}`),
      "501: transfer coding other than chunked",
    ],
    [
      "Transfer-Encoding : chunked (space before colon)",
      post(["Transfer-Encoding : chunked"], `0\r\n\r\n${smuggled}`),
      "400: whitespace between field name and colon",
    ],
    [
      "Transfer-Encoding as obs-fold",
      post(["X-A: b", " Transfer-Encoding: chunked"], `0\r\n\r\n${smuggled}`),
      "400: obs-fold: a field line starts with whitespace",
    ],
    [
      "\\nTransfer-Encoding (bare LF before the field)",
      post(["X-A: b\nTransfer-Encoding: chunked"], `0\r\n\r\n${smuggled}`),
      "400: LF not preceded by CR",
    ],
    [
      "Transfer-Encoding\\n: chunked",
      post(["Transfer-Encoding\n: chunked"], `0\r\n\r\n${smuggled}`),
      "400: LF not preceded by CR",
    ],
    [
      "VT before chunked",
      post(["Transfer-Encoding: \x0bchunked"], `0\r\n\r\n${smuggled}`),
      "400: invalid character in field value",
    ],
    [
      "NUL after chunked",
      post(["Transfer-Encoding: chunked\x00"], `0\r\n\r\n${smuggled}`),
      "400: invalid character in field value",
    ],
    [
      "Transfer_Encoding (a CGI gateway reads it as Transfer-Encoding)",
      post(["Transfer_Encoding: chunked"], `0\r\n\r\n${smuggled}`),
      "400: field name Transfer_Encoding",
    ],
    [
      "Content-Length: +5",
      post(["Content-Length: +5"], `hello${smuggled}`),
      "400: invalid Content-Length",
    ],
    [
      "Content-Length: 5, 6",
      post(["Content-Length: 5, 6"], `hello${smuggled}`),
      "400: conflicting Content-Length values",
    ],
    [
      "two Content-Length fields",
      post(["Content-Length: 5", "Content-Length: 62"], `hello${smuggled}`),
      "400: conflicting Content-Length values",
    ],
    [
      "Content-Length with an exponent",
      post(["Content-Length: 1e1"], `hello${smuggled}`),
      "400: invalid Content-Length",
    ],
    [
      "Connection: Content-Length (a hop-by-hop strip would drop the framing)",
      post(["Content-Length: 5", "Connection: Content-Length"], `hello${smuggled}`),
      "400: Connection names Content-Length",
    ],
    [
      "Transfer-Encoding in HTTP/1.0",
      `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      "400: Transfer-Encoding in an HTTP/1.0 request",
    ],
    [
      "NUL in a value",
      post(["X-A: a\x00b", "Content-Length: 0"], smuggled),
      "400: invalid character in field value",
    ],
    [
      "two Host fields",
      `GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n`,
      "400: more than one Host field",
    ],
    [
      "absolute-form naming another host",
      `GET http://b.test/admin HTTP/1.1\r\nHost: a.test\r\n\r\n`,
      "400: request-target authority differs from Host",
    ],
  ];
  it.each(refused)("refuses %s", (_name, text, outcome) => {
    expect(readConnection(text)).toEqual([outcome]);
  });

  const badBodies: [string, string, string][] = [
    ["chunk size 0x5", `0x5\r\nhello\r\n0\r\n\r\n${smuggled}`, "body: invalid chunk size"],
    [
      "5 ;ext (BWS before ;)",
      `5 ;ext\r\nhello\r\n0\r\n\r\n${smuggled}`,
      "body: invalid chunk size",
    ],
    [
      "a chunk size that wraps a 64-bit integer",
      `10000000000000005\r\nhello\r\n0\r\n\r\n${smuggled}`,
      "body: chunk size too large",
    ],
    [
      "bare LF line endings",
      `5\nhello\n0\n\n${smuggled}`,
      "body: LF not preceded by CR in chunk-size line",
    ],
    [
      "chunk longer than its size",
      `3\r\nhello\r\n0\r\n\r\n${smuggled}`,
      "body: chunk data not followed by CRLF",
    ],
  ];
  it.each(badBodies)("refuses a chunked body with %s", (_name, chunkedBody, outcome) => {
    expect(readConnection(post(["Transfer-Encoding: chunked"], chunkedBody))).toEqual([
      "POST /",
      outcome,
    ]);
  });

  it("refuses Transfer-Encoding: chunked<HTAB> (llhttp reads it as not chunked)", () => {
    expect(readConnection(post(["Transfer-Encoding: chunked\t"], `0\r\n\r\n${smuggled}`))).toEqual([
      "400: HTAB after the Transfer-Encoding value",
    ]);
    expect(readConnection(post(["X-A: b\t", "Content-Length: 0"], smuggled))).toEqual([
      "POST /",
      "GET /admin",
    ]);
  });

  it("reads Transfer-Encoding:<HTAB>chunked as chunked (OWS may be HTAB)", () => {
    expect(
      readConnection(post(["Transfer-Encoding:\tchunked"], `5\r\nhello\r\n0\r\n\r\n${smuggled}`)),
    ).toEqual(["POST /", "GET /admin"]);
  });

  it("reads pipelined requests with every framing as exactly those requests", () => {
    const connection =
      post(["Content-Length: 5 "], "hello") +
      post(["Transfer-Encoding: chunked"], "5;x=y\r\nhello\r\n0\r\nX-T: 1\r\n\r\n") +
      "\r\n" +
      smuggled;
    expect(readConnection(connection)).toEqual(["POST /", "POST /", "GET /admin"]);
  });
});
