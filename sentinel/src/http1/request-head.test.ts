import { describe, expect, it } from "vitest";
import { parseRequestHead, type RequestHead } from "./request-head.js";

const bytes = (text: string) => Buffer.from(text, "latin1");
const parse = (text: string) => parseRequestHead(bytes(text));

/** A GET head with these field lines after `Host: a.test` (unless `host` is false). */
function get(fieldLines: string[], options: { version?: string; host?: boolean } = {}): string {
  const host = options.host === false ? [] : ["Host: a.test"];
  const lines = [...host, ...fieldLines].map((line) => `${line}\r\n`).join("");
  return `GET / HTTP/${options.version ?? "1.1"}\r\n${lines}\r\n`;
}

type Expected = number | "incomplete" | Partial<RequestHead>;

/** Each rule: the case it must refuse (an error status), then the near miss it must accept. */
function check(raw: string, expected: Expected): void {
  const result = parse(raw);
  if (expected === "incomplete") {
    expect(result).toEqual({ kind: "incomplete" });
  } else if (typeof expected === "number") {
    expect(result).toMatchObject({ kind: "error", status: expected });
  } else {
    expect(result).toMatchObject({ kind: "head", ...expected });
  }
}

describe("parseRequestHead: request-line", () => {
  const cases: [string, string, Expected][] = [
    ["double space after method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["single spaces", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", { method: "GET", target: "/" }],
    ["trailing space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400],
    ["leading space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["HTAB as separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["non-token method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["extension method", "PURGE / HTTP/1.1\r\nHost: a\r\n\r\n", { method: "PURGE" }],
    ["methods are case-sensitive", "get / HTTP/1.1\r\nHost: a\r\n\r\n", { method: "get" }],
    ["CTL in target", "GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["obs-text in target", "GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    [
      "percent-encoded target",
      "GET /caf%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n",
      { target: "/caf%C3%A9" },
    ],
    ["fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["query in target", "GET /a?b=c&d HTTP/1.1\r\nHost: a\r\n\r\n", { target: "/a?b=c&d" }],
    ["empty target", "GET  HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["* for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["* for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", { method: "OPTIONS", target: "*" }],
    ["*x for OPTIONS", "OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["authority-form for GET", "GET a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n", 400],
    ["CONNECT", "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n", 501],
    [
      "absolute-form naming another host than Host",
      "GET http://b.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n",
      400,
    ],
    [
      "absolute-form naming Host (scheme and host case-insensitive)",
      "GET HTTP://A.test/x HTTP/1.1\r\nHost: a.TEST\r\n\r\n",
      { target: "HTTP://A.test/x" },
    ],
    [
      "absolute-form https with port and query only",
      "GET https://a.test:8443?q HTTP/1.1\r\nHost: a.test:8443\r\n\r\n",
      { target: "https://a.test:8443?q" },
    ],
    ["absolute-form with userinfo", "GET http://u@a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", 400],
    ["absolute-form without host", "GET http:///x HTTP/1.1\r\nHost: a.test\r\n\r\n", 400],
    ["absolute-form, other scheme", "GET ftp://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", 400],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: version", () => {
  const cases: [string, string, Expected][] = [
    ["HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505],
    ["HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505],
    ["HTTP/0.9 version", "GET / HTTP/0.9\r\n\r\n", 505],
    ["HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", { versionMinor: 0, rawHeaders: [] }],
    ["HTTP/1.1", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", { versionMinor: 1 }],
    ["lower-case http", "GET / http/1.1\r\nHost: a\r\n\r\n", 400],
    ["HTTP/11", "GET / HTTP/11\r\nHost: a\r\n\r\n", 400],
    ["HTTP/1.1x", "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400],
    ["HTTP/0.9 request without version", "GET /\r\n\r\n", 400],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: line endings and empty lines", () => {
  const cases: [string, string, Expected][] = [
    ["bare LF everywhere", "GET / HTTP/1.1\nHost: a\n\n", 400],
    ["bare LF after one field", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400],
    ["bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400],
    ["bare CR inside a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400],
    ["CR CR LF", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", 400],
    ["bare CR ending the request-line", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400],
    ["one empty line before", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", { headBytes: 29 }],
    [
      "four empty lines before",
      `${"\r\n".repeat(4)}GET / HTTP/1.1\r\nHost: a\r\n\r\n`,
      { headBytes: 35 },
    ],
    ["five empty lines before", `${"\r\n".repeat(5)}GET / HTTP/1.1\r\nHost: a\r\n\r\n`, 400],
    ["bare LF before", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["bare CR before", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: field lines", () => {
  const cases: [string, string, Expected][] = [
    ["space before colon", get(["X-A : b"]), 400],
    ["HTAB before colon", get(["X-A\t: b"]), 400],
    ["no whitespace after colon", get(["X-A:b"]), { rawHeaders: ["Host", "a.test", "X-A", "b"] }],
    [
      "OWS trimmed both sides, inner kept",
      get(["X-A: \t a \t b \t"]),
      { rawHeaders: ["Host", "a.test", "X-A", "a \t b"] },
    ],
    ["obs-fold with SP", get(["X-A: b", " c"]), 400],
    ["obs-fold with HTAB", get(["X-A: b", "\tc"]), 400],
    ["non-token name", get(["X(A: b"]), 400],
    ["empty name", get([": b"]), 400],
    ["line without colon", get(["X-A"]), 400],
    [
      "every tchar in a name",
      get(["!#$%&'*+-.^_`|~09azAZ: v"]),
      { rawHeaders: ["Host", "a.test", "!#$%&'*+-.^_`|~09azAZ", "v"] },
    ],
    ["NUL in value", get(["X-A: a\x00b"]), 400],
    ["SOH in value", get(["X-A: a\x01b"]), 400],
    ["US in value", get(["X-A: a\x1fb"]), 400],
    ["DEL in value", get(["X-A: a\x7fb"]), 400],
    ["VT in value", get(["X-A: \x0bb"]), 400],
    [
      "obs-text in value, decoded as latin1",
      get(["X-A: caf\xe9 \xff"]),
      { rawHeaders: ["Host", "a.test", "X-A", "café \u00ff"] },
    ],
    ["HTAB inside a value", get(["X-A: a\tb"]), { rawHeaders: ["Host", "a.test", "X-A", "a\tb"] }],
    ["empty value", get(["X-A:"]), { rawHeaders: ["Host", "a.test", "X-A", ""] }],
    ["names as sent", get(["x-CASE: v"]), { rawHeaders: ["Host", "a.test", "x-CASE", "v"] }],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: Content-Length", () => {
  const cases: [string, string[], Expected][] = [
    ["5", ["Content-Length: 5"], { framing: { kind: "length", length: 5 } }],
    ["0", ["Content-Length: 0"], { framing: { kind: "length", length: 0 } }],
    ["leading zeros", ["content-length: 00005"], { framing: { kind: "length", length: 5 } }],
    [
      "15 digits",
      ["Content-Length: 999999999999999"],
      { framing: { kind: "length", length: 999999999999999 } },
    ],
    ["16 digits", ["Content-Length: 1000000000000000"], 400],
    ["+5", ["Content-Length: +5"], 400],
    ["-1", ["Content-Length: -1"], 400],
    ["0x5", ["Content-Length: 0x5"], 400],
    ["5.0", ["Content-Length: 5.0"], 400],
    ["5 5", ["Content-Length: 5 5"], 400],
    ["empty", ["Content-Length:"], 400],
    ["5, 6", ["Content-Length: 5, 6"], 400],
    ["5, 5", ["Content-Length: 5, 5"], { framing: { kind: "length", length: 5 } }],
    ["5,5", ["Content-Length: 5,5"], { framing: { kind: "length", length: 5 } }],
    ["5, (empty element)", ["Content-Length: 5,"], 400],
    ["two fields 5 and 6", ["Content-Length: 5", "Content-Length: 6"], 400],
    [
      "two fields 5 and 05",
      ["Content-Length: 5", "CONTENT-LENGTH: 05"],
      { framing: { kind: "length", length: 5 } },
    ],
    ["Content_Length (underscore)", ["Content_Length: 5"], 400],
  ];
  it.each(cases)("%s", (_name, lines, expected) => check(get(lines), expected));
});

describe("parseRequestHead: Transfer-Encoding", () => {
  const cases: [string, string[], Expected][] = [
    ["chunked", ["Transfer-Encoding: chunked"], { framing: { kind: "chunked" } }],
    ["CHUNKED", ["transfer-encoding: CHUNKED"], { framing: { kind: "chunked" } }],
    ["chunked after HTAB", ["Transfer-Encoding:\tchunked"], { framing: { kind: "chunked" } }],
    ["chunked, identity", ["Transfer-Encoding: chunked, identity"], 400],
    ["identity", ["Transfer-Encoding: identity"], 400],
    ["gzip", ["Transfer-Encoding: gzip"], 400],
    ["empty", ["Transfer-Encoding:"], 400],
    ["xchunked", ["Transfer-Encoding: xchunked"], 400],
    ["chunked;q=1 (a parameter)", ["Transfer-Encoding: chunked;q=1"], 400],
    ["gzip, chunked", ["Transfer-Encoding: gzip, chunked"], 501],
    [
      "gzip then chunked in two fields",
      ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
      501,
    ],
    ["chunked, chunked", ["Transfer-Encoding: chunked, chunked"], 400],
    ["chunked in two fields", ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], 400],
    ["chunked then x in two fields", ["Transfer-Encoding: chunked", "Transfer-Encoding: x"], 400],
    ["chunked, (empty element)", ["Transfer-Encoding: chunked,"], 400],
    ["with Content-Length", ["Transfer-Encoding: chunked", "Content-Length: 5"], 400],
    ["Transfer_Encoding (underscore)", ["Transfer_Encoding: chunked"], 400],
  ];
  it.each(cases)("%s", (_name, lines, expected) => check(get(lines), expected));

  it("refuses Transfer-Encoding in an HTTP/1.0 request, reads Content-Length there", () => {
    check(get(["Transfer-Encoding: chunked"], { version: "1.0" }), 400);
    check(get(["Content-Length: 3"], { version: "1.0" }), {
      framing: { kind: "length", length: 3 },
    });
  });
});

describe("parseRequestHead: Host", () => {
  const cases: [string, string, Expected][] = [
    ["HTTP/1.1 without Host", get([], { host: false }), 400],
    ["HTTP/1.1 with two Host fields", get(["host: a.test"]), 400],
    ["HTTP/1.0 without Host", get([], { host: false, version: "1.0" }), { versionMinor: 0 }],
    ["HTTP/1.0 with two Host fields", get(["Host: b.test"], { version: "1.0" }), 400],
    ["Host with a space", get(["Host: a b"], { host: false }), 400],
    ["Host with userinfo", get(["Host: u@a.test"], { host: false }), 400],
    ["Host with a path", get(["Host: a.test/x"], { host: false }), 400],
    ["Host with a backslash", get(["Host: a.test\\x"], { host: false }), 400],
    ["Host with a letter in the port", get(["Host: a.test:80a"], { host: false }), 400],
    ["Host with two colons", get(["Host: a:1:2"], { host: false }), 400],
    ["Host with a port", get(["Host: a.test:8080"], { host: false }), { versionMinor: 1 }],
    ["Host with an empty port", get(["Host: a.test:"], { host: false }), { versionMinor: 1 }],
    ["unclosed IPv6 Host", get(["Host: [::1"], { host: false }), 400],
    ["IPv6 Host then junk", get(["Host: [::1]x"], { host: false }), 400],
    ["IPv6 Host with port", get(["Host: [::1]:8080"], { host: false }), { versionMinor: 1 }],
    ["empty Host (RFC 9110 §7.2)", get(["Host:"], { host: false }), { versionMinor: 1 }],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: Connection, Upgrade, Expect", () => {
  const cases: [string, string, Expected][] = [
    ["HTTP/1.1 keeps alive", get([]), { keepAlive: true }],
    ["HTTP/1.1 close", get(["Connection: close"]), { keepAlive: false }],
    ["close among tokens, any case", get(["Connection: Keep-Alive, CLOSE"]), { keepAlive: false }],
    [
      "close in a second field",
      get(["Connection: foo", "connection: close"]),
      { keepAlive: false },
    ],
    ["closed is not close", get(["Connection: closed"]), { keepAlive: true }],
    ["empty list elements", get(["Connection: ,, close ,"]), { keepAlive: false }],
    ["HTTP/1.0 closes", get([], { version: "1.0" }), { keepAlive: false }],
    [
      "HTTP/1.0 keep-alive",
      get(["Connection: keep-alive"], { version: "1.0" }),
      { keepAlive: true },
    ],
    [
      "HTTP/1.0 keep-alive and close",
      get(["Connection: keep-alive, close"], { version: "1.0" }),
      { keepAlive: false },
    ],
    ["Connection naming Content-Length", get(["Connection: close, Content-Length"]), 400],
    ["Connection naming Transfer-Encoding", get(["Connection: transfer-encoding"]), 400],
    ["Connection naming Host", get(["Connection: host"]), 400],
    [
      "upgrade",
      get(["Connection: Upgrade", "Upgrade: websocket"]),
      { upgrade: true, keepAlive: true },
    ],
    ["Upgrade without the Connection option", get(["Upgrade: websocket"]), { upgrade: false }],
    ["Connection: upgrade without Upgrade", get(["Connection: upgrade"]), { upgrade: false }],
    [
      "upgrade in HTTP/1.0",
      get(["Connection: upgrade", "Upgrade: websocket"], { version: "1.0" }),
      { upgrade: false },
    ],
    ["Expect: 100-continue", get(["Expect: 100-Continue"]), { expectContinue: true }],
    ["another expectation", get(["Expect: 200-ok"]), { expectContinue: false }],
    [
      "100-continue in HTTP/1.0",
      get(["Expect: 100-continue"], { version: "1.0" }),
      { expectContinue: false },
    ],
  ];
  it.each(cases)("%s", (_name, raw, expected) => check(raw, expected));
});

describe("parseRequestHead: limits and incomplete heads", () => {
  it("waits for the rest of a head, at every length short of the end", () => {
    const raw = "GET /x HTTP/1.1\r\nHost: a.test\r\nX-A: b\r\n\r\n";
    for (let length = 0; length < raw.length; length++) {
      expect(parse(raw.slice(0, length))).toEqual({ kind: "incomplete" });
    }
    expect(parse(raw)).toMatchObject({ kind: "head", headBytes: raw.length });
  });

  it("fails an incomplete head as soon as what arrived is wrong", () => {
    check("GET / HTTP/1.1\r\nHost: a\n", 400);
    check("GET / HTTP/9.9\r\nHo", 505);
    check("GET / HTTP/1.1 x\r\n", 400);
    check("\x16\x03\x01\x02\x00", 400);
    check("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
    check("GET /", "incomplete");
    // A start-line longer than 1 KiB is left to the complete head's check.
    check(`GET /${"a".repeat(1100)} HTTP/9.9\r\nHost: a\r\n`, "incomplete");
    check(`GET /${"a".repeat(1100)} HTTP/9.9\r\nHost: a\r\n\r\n`, 505);
  });

  it("accepts a head of exactly maxHeadBytes and refuses one byte more with 431", () => {
    const base = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n";
    const exact = base.replace("X: ", `X: ${"v".repeat(1024 - base.length)}`);
    expect(exact.length).toBe(1024);
    expect(parseRequestHead(bytes(exact), { maxHeadBytes: 1024 })).toMatchObject({ kind: "head" });
    const over = exact.replace("X: ", "X: v");
    expect(parseRequestHead(bytes(over), { maxHeadBytes: 1024 })).toMatchObject({ status: 431 });
    // Incomplete but already past the limit: no point waiting.
    expect(parseRequestHead(bytes(over.slice(0, 1030)), { maxHeadBytes: 1024 })).toMatchObject({
      status: 431,
    });
  });

  it("answers 414 when the request-line alone does not fit", () => {
    const long = `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`;
    expect(parse(long)).toMatchObject({ status: 414 });
    expect(parse(long.slice(0, 17_000))).toMatchObject({ status: 414 });
  });

  it("reads a head within the limit when a large body follows it", () => {
    const raw = `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n${"x".repeat(100_000)}`;
    expect(parse(raw)).toMatchObject({ kind: "head", framing: { kind: "length", length: 100000 } });
  });

  it("refuses more than maxHeaders fields with 431", () => {
    const fields = Array.from({ length: 99 }, (_, i) => `X-${i}: v`);
    expect(parse(get(fields))).toMatchObject({ kind: "head" });
    expect(parse(get([...fields, "X-last: v"]))).toMatchObject({ status: 431 });
    expect(parseRequestHead(bytes(get(["A: 1"])), { maxHeaders: 1 })).toMatchObject({
      status: 431,
    });
    // Already too many while incomplete: no point waiting for the end.
    const unfinished = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC";
    expect(parseRequestHead(bytes(unfinished), { maxHeaders: 3 })).toEqual({ kind: "incomplete" });
    expect(parseRequestHead(bytes(unfinished), { maxHeaders: 2 })).toMatchObject({ status: 431 });
  });
});

describe("parseRequestHead: pipelining", () => {
  it("points headBytes at the next request", () => {
    const first = "GET /one HTTP/1.1\r\nHost: a.test\r\n\r\n";
    const second = "GET /two HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";
    const buffer = bytes(first + second);
    const one = parseRequestHead(buffer);
    expect(one).toMatchObject({ kind: "head", target: "/one", headBytes: first.length });
    const two = parseRequestHead(buffer.subarray((one as RequestHead).headBytes));
    expect(two).toMatchObject({ kind: "head", target: "/two", keepAlive: false });
    expect((two as RequestHead).headBytes).toBe(second.length);
  });

  it("finds the next request after a body and a stray CRLF", () => {
    const buffer = bytes(
      "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    const post = parseRequestHead(buffer) as RequestHead;
    expect(post.framing).toEqual({ kind: "length", length: 3 });
    const next = parseRequestHead(buffer.subarray(post.headBytes + 3));
    expect(next).toMatchObject({ kind: "head", method: "GET", target: "/b" });
  });

  it("returns everything a request head says", () => {
    const raw =
      "POST /upload?x=1 HTTP/1.1\r\nHost: a.test\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\nhello world";
    expect(parse(raw)).toEqual({
      kind: "head",
      headBytes: raw.length - 11,
      method: "POST",
      target: "/upload?x=1",
      versionMinor: 1,
      rawHeaders: [
        "Host",
        "a.test",
        "Content-Type",
        "text/plain",
        "Content-Length",
        "11",
        "Expect",
        "100-continue",
      ],
      framing: { kind: "length", length: 11 },
      keepAlive: true,
      upgrade: false,
      expectContinue: true,
    });
  });
});
