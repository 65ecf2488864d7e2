import { describe, expect, it } from "vitest";
import { parseRequestHead } from "./request-head.js";
import { parseResponseHead } from "./response-head.js";
import { serializeRequestHead, serializeResponseHead } from "./serialize-head.js";

describe("serializeRequestHead / serializeResponseHead", () => {
  it("writes heads the parsers read back field for field", () => {
    const fields = [
      "Host",
      "a.test",
      "X-Forwarded-For",
      "203.0.113.7",
      "X-Latin1",
      "café",
      "E",
      "",
    ];
    const request = serializeRequestHead("POST", "/a?b=c", fields);
    expect(request).toBe(
      "POST /a?b=c HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 203.0.113.7\r\nX-Latin1: café\r\nE: \r\n\r\n",
    );
    expect(parseRequestHead(Buffer.from(request, "latin1"))).toMatchObject({
      method: "POST",
      target: "/a?b=c",
      rawHeaders: fields,
    });
    const response = serializeResponseHead(404, "Not Found", ["Content-Length", "0"]);
    expect(response).toBe("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    expect(parseResponseHead(Buffer.from(response, "latin1"), "GET")).toMatchObject({
      status: 404,
      reason: "Not Found",
      rawHeaders: ["Content-Length", "0"],
    });
  });

  const refusedFields: [string, string[]][] = [
    ["CRLF in a value", ["X-A", "a\r\nX-Injected: 1"]],
    ["LF in a value", ["X-A", "a\nb"]],
    ["CR in a value", ["X-A", "a\rb"]],
    ["NUL in a value", ["X-A", "a\x00b"]],
    ["U+010A in a value (latin1 would write LF)", ["X-A", "a\u010Ab"]],
    ["a space in a name", ["X A", "b"]],
    ["a colon in a name", ["X:A", "b"]],
    ["an empty name", ["", "b"]],
    ["leading whitespace in a value", ["X-A", " b"]],
    ["a name without a value", ["X-A"]],
  ];
  it.each(refusedFields)("refuses %s", (_name, fields) => {
    expect(() => serializeRequestHead("GET", "/", fields)).toThrow();
    expect(() => serializeResponseHead(200, "OK", fields)).toThrow();
  });

  it("refuses a bad method, target, status or reason", () => {
    expect(() => serializeRequestHead("GE T", "/", [])).toThrow(/method/);
    expect(() => serializeRequestHead("GET", "/a b", [])).toThrow(/request-target/);
    expect(() => serializeRequestHead("GET", "/a\r\nX: y", [])).toThrow(/request-target/);
    expect(() => serializeRequestHead("GET", "", [])).toThrow(/request-target/);
    expect(() => serializeResponseHead(99, "OK", [])).toThrow(/status/);
    expect(() => serializeResponseHead(200.5, "OK", [])).toThrow(/status/);
    expect(() => serializeResponseHead(200, "OK\r\nX: y", [])).toThrow(/reason/);
    expect(serializeResponseHead(200, "", [])).toBe("HTTP/1.1 200 \r\n\r\n");
  });
});
