import { describe, expect, it } from "vitest";
import { distinctHeaders, lowerCaseName } from "./raw-headers.js";

describe("distinctHeaders", () => {
  it("lower-cases names and keeps every value of a repeated field in order", () => {
    const headers = distinctHeaders([
      "Host",
      "a.example",
      "X-Tag",
      "1",
      "x-tag",
      "2",
      "ACCEPT",
      "*/*",
    ]);
    expect({ ...headers }).toEqual({ host: ["a.example"], "x-tag": ["1", "2"], accept: ["*/*"] });
  });

  it("treats names that exist on plain objects as ordinary fields", () => {
    const headers = distinctHeaders([
      "constructor",
      "a",
      "__proto__",
      "b",
      "toString",
      "c",
      "hasOwnProperty",
      "d",
      "__proto__",
      "e",
    ]);
    expect(Object.keys(headers)).toEqual([
      "constructor",
      "__proto__",
      "tostring",
      "hasownproperty",
    ]);
    expect(headers.constructor).toEqual(["a"]);
    const proto = "__proto__"; // a field here, not the accessor
    expect(headers[proto]).toEqual(["b", "e"]);
    // A name the client did not send reads as absent, whatever Object.prototype has.
    expect(headers.valueOf).toBeUndefined();
    expect(headers.isPrototypeOf).toBeUndefined();
  });
});

describe("lowerCaseName", () => {
  it("returns lower-case ASCII as is and lowers everything else", () => {
    const name = "x-request-id";
    expect(lowerCaseName(name)).toBe(name);
    expect(lowerCaseName("X-Request-ID")).toBe("x-request-id");
    expect(lowerCaseName("ÜBER")).toBe("über");
    expect(lowerCaseName("")).toBe("");
  });
});
