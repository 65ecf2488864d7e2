import { describe, expect, it } from "vitest";
import { duplicateKeys } from "./duplicate-keys";

describe("duplicateKeys", () => {
  it("flags every key that appears on more than one row", () => {
    const rows = [{ key: "A" }, { key: "B" }, { key: "A" }, { key: "C" }, { key: " B " }];
    expect([...duplicateKeys(rows)].sort()).toEqual(["A", "B"]);
  });

  it("ignores empty keys (rows still being typed) and is case-sensitive like the shell", () => {
    expect(duplicateKeys([{ key: "" }, { key: "" }, { key: "a" }, { key: "A" }]).size).toBe(0);
  });
});
