import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/seeded-random.js";
import { ChunkedDecoder, type ChunkedLimits } from "./chunked-decoder.js";

const bytes = (text: string) => Buffer.from(text, "latin1");

/** `buffer` cut at the given offsets. */
function cut(buffer: Buffer, offsets: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, buffer.length]) {
    pieces.push(buffer.subarray(start, offset));
    start = offset;
  }
  return pieces;
}

interface Decoded {
  payload: string;
  rest: string;
  trailers: string[] | undefined;
  done: boolean;
  error: string | undefined;
}

function decode(pieces: Buffer[], limits?: ChunkedLimits): Decoded {
  const decoder = new ChunkedDecoder(limits);
  const payload: Buffer[] = [];
  const rest: Buffer[] = [];
  let trailers: string[] | undefined;
  for (const piece of pieces) {
    const result = decoder.push(piece);
    if (result.kind === "error") {
      return { payload: "", rest: "", trailers, done: false, error: result.reason };
    }
    payload.push(...result.data);
    if (result.rest) rest.push(result.rest);
    trailers ??= result.trailers;
    if (!result.done) expect(result.rest).toBeUndefined();
  }
  return {
    payload: Buffer.concat(payload).toString("latin1"),
    rest: Buffer.concat(rest).toString("latin1"),
    trailers,
    done: decoder.done,
    error: undefined,
  };
}

/** Relays the pieces: what it forwards as the message and what it leaves over. */
function relay(pieces: Buffer[]): { message: string; left: string; done: boolean; error?: string } {
  const decoder = new ChunkedDecoder();
  const message: Buffer[] = [];
  const left: Buffer[] = [];
  for (const piece of pieces) {
    const result = decoder.relay(piece);
    if (result.kind === "error")
      return { message: "", left: "", done: false, error: result.reason };
    message.push(piece.subarray(0, result.messageBytes));
    left.push(piece.subarray(result.messageBytes));
  }
  return {
    message: Buffer.concat(message).toString("latin1"),
    left: Buffer.concat(left).toString("latin1"),
    done: decoder.done,
  };
}

const body =
  "5\r\nhello\r\n" +
  "1;name\r\n \r\n" +
  'A;a=b;c="q \\" ;x"\r\n0123456789\r\n' +
  "00000000000000F\r\nfifteen bytes!!\r\n" +
  "0;last=1\r\n" +
  "X-Checksum: abc\r\nX-Other:  v \r\n\r\n";
const payload = "hello 0123456789fifteen bytes!!";
const trailers = ["X-Checksum", "abc", "X-Other", "v"];
const next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
const stream = bytes(body + next);

describe("ChunkedDecoder: any split of a valid message decodes the same", () => {
  const expected: Decoded = { payload, rest: next, trailers, done: true, error: undefined };

  it("in one push", () => {
    expect(decode([stream])).toEqual(expected);
  });

  it("split in two at every byte position", () => {
    for (let at = 0; at <= stream.length; at++) {
      expect(decode(cut(stream, [at])), `split at ${at}`).toEqual(expected);
    }
  });

  it("a byte at a time", () => {
    const offsets = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(decode(cut(stream, offsets))).toEqual(expected);
  });

  it("in 500 random splits (seed 20240611)", () => {
    const random = seededRandom(20240611);
    for (let round = 0; round < 500; round++) {
      const offsets: number[] = [];
      for (let at = Math.ceil(random() * 8); at < stream.length; at += Math.ceil(random() * 12)) {
        offsets.push(at);
      }
      expect(decode(cut(stream, offsets)), `round ${round}: ${offsets.join(",")}`).toEqual(
        expected,
      );
    }
  });

  it("relays exactly the message's bytes, at every split", () => {
    for (let at = 0; at <= stream.length; at++) {
      expect(relay(cut(stream, [at])), `split at ${at}`).toEqual({
        message: body,
        left: next,
        done: true,
      });
    }
  });
});

describe("ChunkedDecoder: malformed bodies fail, however they are split", () => {
  const cases: [string, string][] = [
    ["chunk size 0x5", "0x5\r\nhello\r\n0\r\n\r\n"],
    ["BWS before ; (5 ;ext)", "5 ;ext\r\nhello\r\n0\r\n\r\n"],
    ["space after the size", "5 \r\nhello\r\n0\r\n\r\n"],
    ["space before the size", " 5\r\nhello\r\n0\r\n\r\n"],
    ["HTAB after the size", "5\t\r\nhello\r\n0\r\n\r\n"],
    ["-5", "-5\r\nhello\r\n0\r\n\r\n"],
    ["+5", "+5\r\nhello\r\n0\r\n\r\n"],
    ["empty size", "\r\nhello\r\n0\r\n\r\n"],
    ["size then bare LF", "5\nhello\r\n0\r\n\r\n"],
    ["size then bare CR", "5\rhello\r\n0\r\n\r\n"],
    ["data then bare LF", "5\r\nhello\n0\r\n\r\n"],
    ["data longer than its size", "5\r\nhelloX\r\n0\r\n\r\n"],
    ["data shorter than its size", "5\r\nhell\r\n0\r\n\r\n"],
    ["last chunk without the final CRLF, then a request", "0\r\nGET / HTTP/1.1\r\n\r\n"],
    ["empty extension name", "5;\r\nhello\r\n0\r\n\r\n"],
    ["extension without a name", "5;=x\r\nhello\r\n0\r\n\r\n"],
    ["extension with an empty value", "5;a=\r\nhello\r\n0\r\n\r\n"],
    ["space inside an extension", "5;a b\r\nhello\r\n0\r\n\r\n"],
    ["BWS around = in an extension", "5;a = b\r\nhello\r\n0\r\n\r\n"],
    ["unterminated quoted extension", '5;a="x\r\nhello\r\n0\r\n\r\n'],
    ["text after a quoted extension", '5;a="x"y\r\nhello\r\n0\r\n\r\n'],
    ["NUL in an extension", "5;a\x00\r\nhello\r\n0\r\n\r\n"],
    ["16 hex digits beyond 2^53", "ffffffffffffffff\r\n"],
    ["2^53", "20000000000000\r\n"],
    ["17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n"],
    ["trailer with bare LF", "0\r\nX: a\n\r\n"],
    ["trailer with a bare CR", "0\r\nX: a\rb\r\n\r\n"],
    ["trailer with space before colon", "0\r\nX : a\r\n\r\n"],
    ["trailer obs-fold", "0\r\nX: a\r\n b\r\n\r\n"],
    ["trailer with NUL", "0\r\nX: a\x00\r\n\r\n"],
    ["trailer without colon", "0\r\nX\r\n\r\n"],
    ["Content-Length trailer", "0\r\nContent-Length: 5\r\n\r\n"],
    ["Transfer-Encoding trailer", "0\r\nTransfer-Encoding: chunked\r\n\r\n"],
    ["Host trailer", "0\r\nHost: b.test\r\n\r\n"],
  ];
  it.each(cases)("%s", (_name, text) => {
    const input = bytes(text);
    for (let at = 0; at <= input.length; at++) {
      const result = decode(cut(input, [at]));
      expect(result.error, `split at ${at}`).toBeDefined();
      expect(relay(cut(input, [at])).error, `relay split at ${at}`).toBeDefined();
    }
  });

  const nearMisses: [string, string, string][] = [
    ["extension without BWS (5;ext)", "5;ext\r\nhello\r\n0\r\n\r\n", "hello"],
    ["upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789"],
    ["16 hex digits within 2^53", "0000000000000005\r\nhello\r\n0\r\n\r\n", "hello"],
    ["quoted extension with escapes", '5;a="\\"x\\\\";b=c\r\nhello\r\n0\r\n\r\n', "hello"],
    ["several zeros as the last chunk", "5\r\nhello\r\n000\r\n\r\n", "hello"],
    ["empty body", "0\r\n\r\n", ""],
  ];
  it.each(nearMisses)("accepts %s", (_name, text, expected) => {
    expect(decode([bytes(text)])).toEqual({
      payload: expected,
      rest: "",
      trailers: undefined,
      done: true,
      error: undefined,
    });
  });

  it("waits (no error) on the largest chunk size it accepts, 2^53 - 1", () => {
    expect(decode([bytes("1fffffffffffff\r\nabc")])).toMatchObject({ payload: "abc", done: false });
  });
});

describe("ChunkedDecoder: limits", () => {
  it("bounds a chunk-size line at 4 KiB by default", () => {
    const line = (extension: number) => `5;a=${"x".repeat(extension)}\r\nhello\r\n0\r\n\r\n`;
    expect(decode([bytes(line(4096 - 4))])).toMatchObject({ done: true, payload: "hello" });
    expect(decode([bytes(line(4096 - 3))]).error).toMatch(/chunk-size line/);
    expect(decode([bytes(line(100))], { maxChunkLineBytes: 50 }).error).toMatch(/chunk-size line/);
  });

  it("bounds the trailer section, even when it never ends", () => {
    const trailer = (value: number) => `0\r\nX: ${"v".repeat(value)}\r\n\r\n`;
    const limits = { maxTrailerBytes: 100 };
    // `X: ` + value + CRLF + CRLF = value + 7 bytes.
    expect(decode([bytes(trailer(93))], limits)).toMatchObject({ done: true });
    expect(decode([bytes(trailer(94))], limits).error).toMatch(/trailer section larger/);
    const endless = cut(bytes(`0\r\nX: ${"v".repeat(10_000)}`), [10, 500, 5000]);
    expect(decode(endless, limits).error).toMatch(/trailer section larger/);
  });

  it("bounds the number of trailer fields", () => {
    const text = "0\r\nA: 1\r\nB: 2\r\n\r\n";
    expect(decode([bytes(text)], { maxTrailers: 2 })).toMatchObject({
      trailers: ["A", "1", "B", "2"],
    });
    expect(decode([bytes(text)], { maxTrailers: 1 }).error).toMatch(/too many/);
  });
});

describe("ChunkedDecoder: streaming", () => {
  it("hands out views of the pushed buffers, not copies, before a large chunk has arrived", () => {
    const decoder = new ChunkedDecoder();
    const first = bytes(`ffffffff\r\n${"a".repeat(1000)}`);
    const result = decoder.push(first);
    expect(result).toMatchObject({ kind: "data", done: false });
    if (result.kind !== "data") return;
    expect(Buffer.concat(result.data).toString()).toBe("a".repeat(1000));
    expect(result.data[0]!.buffer).toBe(first.buffer);
    const whole = bytes("b".repeat(64));
    const second = decoder.push(whole);
    expect(second).toMatchObject({ kind: "data", done: false });
    if (second.kind === "data") expect(second.data[0]).toBe(whole);
  });

  it("after the end, gives every further byte back as rest", () => {
    const decoder = new ChunkedDecoder();
    expect(decoder.push(bytes("0\r\n\r\n"))).toMatchObject({ done: true, rest: undefined });
    const later = decoder.push(bytes("GET"));
    expect(later).toMatchObject({ kind: "data", data: [], done: true });
    if (later.kind === "data") expect(later.rest?.toString()).toBe("GET");
  });

  it("keeps failing after an error, until reset for the next message", () => {
    const decoder = new ChunkedDecoder();
    const error = decoder.push(bytes("zz\r\n"));
    expect(error).toMatchObject({ kind: "error", reason: "invalid chunk size" });
    expect(decoder.push(bytes("0\r\n\r\n"))).toBe(error);
    expect(decoder.push(Buffer.alloc(0))).toBe(error);
    decoder.reset();
    expect(decoder.push(bytes("3\r\nabc\r\n0\r\n\r\n"))).toMatchObject({
      kind: "data",
      done: true,
    });
  });
});
