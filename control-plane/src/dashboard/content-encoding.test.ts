import { describe, expect, it } from "vitest";
import { chooseEncoding } from "./content-encoding.js";

const both = new Set(["br", "gzip", "identity"] as const);

describe("chooseEncoding", () => {
  it.each([
    [undefined, both, "identity"],
    ["gzip, deflate, br, zstd", both, "br"],
    ["gzip", both, "gzip"],
    ["br;q=0, gzip", both, "gzip"],
    ["*", both, "br"],
    ["*;q=0", both, "identity"],
    ["br", new Set(["gzip", "identity"] as const), "identity"],
    ["br, gzip", new Set(["gzip", "identity"] as const), "gzip"],
    ["deflate", both, "identity"],
  ] as const)("Accept-Encoding %s → %s", (header, available, expected) => {
    expect(chooseEncoding(header, available)).toBe(expected);
  });
});
