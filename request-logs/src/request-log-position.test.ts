import { describe, expect, it } from "vitest";
import { decodePosition, encodePosition } from "./request-log-position.js";

describe("request log cursors", () => {
  it("round-trip a position", () => {
    const position = { time: 1_796_000_000_123, id: "9223372036854775807" };
    expect(decodePosition(encodePosition(position))).toEqual(position);
  });

  it("refuse what this store did not make", () => {
    for (const cursor of [
      "",
      "not a cursor",
      Buffer.from("1.2.3").toString("base64url"),
      Buffer.from("-1.5").toString("base64url"),
      Buffer.from("1.9223372036854775808").toString("base64url"),
      Buffer.from("1e3.5").toString("base64url"),
      "A".repeat(65),
    ])
      expect(decodePosition(cursor), cursor).toBeUndefined();
  });
});
