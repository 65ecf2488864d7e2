import { describe, expect, it } from "vitest";
import { parseResponseHead, type ResponseHead } from "./response-head.js";

const bytes = (text: string) => Buffer.from(text, "latin1");

/** A response head: status-line, then these field lines. */
function response(statusLine: string, fieldLines: string[]): string {
  return `${statusLine}\r\n${fieldLines.map((line) => `${line}\r\n`).join("")}\r\n`;
}

type Expected = "error" | "incomplete" | Partial<ResponseHead>;

function check(raw: string, expected: Expected, requestMethod = "GET"): void {
  const result = parseResponseHead(bytes(raw), requestMethod);
  if (expected === "incomplete") expect(result).toEqual({ kind: "incomplete" });
  else if (expected === "error") expect(result).toMatchObject({ kind: "error" });
  else expect(result).toMatchObject({ kind: "head", ...expected });
}

describe("parseResponseHead: status-line", () => {
  const cases: [string, string, Expected][] = [
    ["200 OK", "HTTP/1.1 200 OK", { status: 200, reason: "OK", versionMinor: 1 }],
    ["HTTP/1.0", "HTTP/1.0 404 Not Found", { status: 404, reason: "Not Found", versionMinor: 0 }],
    ["no reason, no SP", "HTTP/1.1 200", { status: 200, reason: "" }],
    ["empty reason after SP", "HTTP/1.1 200 ", { status: 200, reason: "" }],
    ["reason with spaces, HTAB, obs-text", "HTTP/1.1 200 a b\tc\xe9", { reason: "a b\tcé" }],
    ["NUL in reason", "HTTP/1.1 200 O\x00K", "error"],
    ["two digits", "HTTP/1.1 20 OK", "error"],
    ["four digits", "HTTP/1.1 2000 OK", "error"],
    ["status below 100", "HTTP/1.1 099 Odd", "error"],
    ["status above 599", "HTTP/1.1 600 Odd", "error"],
    ["status 599", "HTTP/1.1 599 Odd", { status: 599 }],
    ["HTTP/2", "HTTP/2 200 OK", "error"],
    ["HTTP/1.2", "HTTP/1.2 200 OK", "error"],
    ["lower-case http", "http/1.1 200 OK", "error"],
    ["two spaces before status", "HTTP/1.1  200 OK", "error"],
    ["HTAB before status", "HTTP/1.1\t200 OK", "error"],
    ["leading empty line", "\r\nHTTP/1.1 200 OK", "error"],
  ];
  it.each(cases)("%s", (_name, statusLine, expected) => {
    check(response(statusLine, ["Content-Length: 0"]), expected);
  });

  it("refuses bare LF and bare CR", () => {
    check("HTTP/1.1 200 OK\nContent-Length: 0\n\n", "error");
    check("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", "error");
    check("HTTP/1.1 200 OK\rX: y\r\nContent-Length: 0\r\n\r\n", "error");
  });

  it("applies the request's field-line rules to the upstream", () => {
    check(response("HTTP/1.1 200 OK", ["Content-Length : 0"]), "error");
    check(response("HTTP/1.1 200 OK", ["X: a", " folded", "Content-Length: 0"]), "error");
    check(response("HTTP/1.1 200 OK", ["X: a\x00b", "Content-Length: 0"]), "error");
    check(response("HTTP/1.1 200 OK", ["Set-Cookie: a=b", "Content-Length: 0"]), {
      rawHeaders: ["Set-Cookie", "a=b", "Content-Length", "0"],
    });
  });
});

describe("parseResponseHead: framing (RFC 9112 §6.3)", () => {
  const cases: [string, string, string[], string, Expected][] = [
    [
      "Content-Length",
      "200 OK",
      ["Content-Length: 12"],
      "GET",
      {
        framing: { kind: "length", length: 12 },
        keepAlive: true,
      },
    ],
    [
      "chunked",
      "200 OK",
      ["Transfer-Encoding: chunked"],
      "GET",
      {
        framing: { kind: "chunked" },
        keepAlive: true,
      },
    ],
    [
      "gzip, chunked",
      "200 OK",
      ["Transfer-Encoding: gzip, chunked"],
      "GET",
      {
        framing: { kind: "chunked" },
      },
    ],
    [
      "chunked, gzip: until close",
      "200 OK",
      ["Transfer-Encoding: chunked, gzip"],
      "GET",
      {
        framing: { kind: "close" },
        keepAlive: false,
      },
    ],
    ["chunked twice", "200 OK", ["Transfer-Encoding: chunked, chunked"], "GET", "error"],
    [
      "chunked and Content-Length",
      "200 OK",
      ["Transfer-Encoding: chunked", "Content-Length: 5"],
      "GET",
      "error",
    ],
    [
      "conflicting Content-Length",
      "200 OK",
      ["Content-Length: 5", "Content-Length: 6"],
      "GET",
      "error",
    ],
    ["Content-Length +5", "200 OK", ["Content-Length: +5"], "GET", "error"],
    [
      "repeated identical Content-Length",
      "200 OK",
      ["Content-Length: 5, 5"],
      "GET",
      {
        framing: { kind: "length", length: 5 },
      },
    ],
    ["neither: until close", "200 OK", [], "GET", { framing: { kind: "close" }, keepAlive: false }],
    [
      "HEAD response with Content-Length",
      "200 OK",
      ["Content-Length: 10"],
      "HEAD",
      {
        framing: { kind: "none" },
        keepAlive: true,
      },
    ],
    [
      "HEAD response with chunked",
      "200 OK",
      ["Transfer-Encoding: chunked"],
      "HEAD",
      {
        framing: { kind: "none" },
      },
    ],
    [
      "204 with Content-Length",
      "204 No Content",
      ["Content-Length: 10"],
      "GET",
      {
        framing: { kind: "none" },
      },
    ],
    [
      "304 with chunked",
      "304 Not Modified",
      ["Transfer-Encoding: chunked"],
      "GET",
      {
        framing: { kind: "none" },
        keepAlive: true,
      },
    ],
    [
      "100 Continue",
      "100 Continue",
      [],
      "POST",
      {
        framing: { kind: "none" },
        informational: true,
        switchingProtocols: false,
      },
    ],
    ["103 Early Hints", "103 Early Hints", ["Link: </a.css>"], "GET", { informational: true }],
    [
      "101 Switching Protocols",
      "101 Switching Protocols",
      ["Connection: Upgrade", "Upgrade: websocket"],
      "GET",
      { framing: { kind: "none" }, informational: false, switchingProtocols: true },
    ],
    ["200 to CONNECT", "200 OK", [], "CONNECT", "error"],
  ];
  it.each(cases)("%s", (_name, statusLine, fields, method, expected) => {
    check(response(`HTTP/1.1 ${statusLine}`, fields), expected, method);
  });
});

describe("parseResponseHead: keep-alive", () => {
  const cases: [string, string, string[], Expected][] = [
    ["HTTP/1.1 with a length", "HTTP/1.1 200 OK", ["Content-Length: 0"], { keepAlive: true }],
    [
      "HTTP/1.1 close",
      "HTTP/1.1 200 OK",
      ["Connection: close", "Content-Length: 0"],
      {
        keepAlive: false,
      },
    ],
    ["HTTP/1.0 with a length", "HTTP/1.0 200 OK", ["Content-Length: 0"], { keepAlive: false }],
    [
      "HTTP/1.0 keep-alive",
      "HTTP/1.0 200 OK",
      ["Connection: Keep-Alive", "Content-Length: 0"],
      {
        keepAlive: true,
      },
    ],
    [
      "HTTP/1.0 keep-alive until close",
      "HTTP/1.0 200 OK",
      ["Connection: keep-alive"],
      {
        framing: { kind: "close" },
        keepAlive: false,
      },
    ],
    ["HTTP/1.0 chunked", "HTTP/1.0 200 OK", ["Transfer-Encoding: chunked"], "error"],
    [
      "Connection naming Content-Length",
      "HTTP/1.1 200 OK",
      ["Connection: Content-Length", "Content-Length: 0"],
      "error",
    ],
  ];
  it.each(cases)("%s", (_name, statusLine, fields, expected) => {
    check(response(statusLine, fields), expected);
  });
});

describe("parseResponseHead: limits, incomplete heads, what follows", () => {
  it("waits at every length short of the end", () => {
    const raw = response("HTTP/1.1 200 OK", ["Content-Length: 2", "X: y"]);
    for (let length = 0; length < raw.length; length++) {
      expect(parseResponseHead(bytes(raw.slice(0, length)), "GET")).toEqual({ kind: "incomplete" });
    }
  });

  it("fails an incomplete head whose status-line is already wrong", () => {
    check("HTTP/1.1 2x0 OK\r\nContent-", "error");
    check("SSH-2.0-OpenSSH\r\n", "error");
  });

  it("refuses a head over maxHeadBytes or maxHeaders", () => {
    const big = response("HTTP/1.1 200 OK", [`X: ${"v".repeat(2000)}`, "Content-Length: 0"]);
    expect(parseResponseHead(bytes(big), "GET", { maxHeadBytes: 1024 })).toMatchObject({
      kind: "error",
    });
    expect(
      parseResponseHead(bytes(big.slice(0, 1500)), "GET", { maxHeadBytes: 1024 }),
    ).toMatchObject({ kind: "error" });
    const many = response("HTTP/1.1 200 OK", ["A: 1", "B: 2", "C: 3"]);
    expect(parseResponseHead(bytes(many), "GET", { maxHeaders: 2 })).toMatchObject({
      kind: "error",
    });
    expect(parseResponseHead(bytes(many), "GET", { maxHeaders: 3 })).toMatchObject({
      kind: "head",
    });
    // Already too many while incomplete: no point waiting for the end.
    expect(parseResponseHead(bytes(many.slice(0, -2)), "GET", { maxHeaders: 2 })).toMatchObject({
      kind: "error",
      reason: "too many header fields",
    });
  });

  it("reads 100 Continue, then the final response after it", () => {
    const continueHead = "HTTP/1.1 100 Continue\r\n\r\n";
    const final = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    const buffer = bytes(continueHead + final);
    const first = parseResponseHead(buffer, "POST") as ResponseHead;
    expect(first).toMatchObject({
      status: 100,
      informational: true,
      headBytes: continueHead.length,
    });
    const second = parseResponseHead(buffer.subarray(first.headBytes), "POST") as ResponseHead;
    expect(second).toMatchObject({ status: 201, framing: { kind: "length", length: 2 } });
    expect(buffer.subarray(first.headBytes + second.headBytes).toString()).toBe("ok");
  });
});
