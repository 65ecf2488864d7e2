import { describe, expect, it } from "vitest";
import { lookupAnswer } from "./dns-resolver.js";

const failing = (code: string) => () =>
  Promise.reject(Object.assign(new Error(code), { code })) as Promise<string[]>;

describe("lookupAnswer", () => {
  it("tells records, a record that is not there, and no answer apart", async () => {
    expect(await lookupAnswer(async () => ["a"])).toEqual({ kind: "found", records: ["a"] });
    expect(await lookupAnswer(async () => [])).toEqual({ kind: "absent" });
    expect(await lookupAnswer(failing("ENOTFOUND"))).toEqual({ kind: "absent" });
    expect(await lookupAnswer(failing("ENODATA"))).toEqual({ kind: "absent" });
    for (const code of ["ETIMEOUT", "ESERVFAIL", "ECONNREFUSED", "EREFUSED"]) {
      expect(await lookupAnswer(failing(code)), code).toEqual({ kind: "unknown" });
    }
  });

  it("gives up on a lookup that never answers: no answer, not an absent record", async () => {
    const never = () => new Promise<string[]>(() => {});
    expect(await lookupAnswer(never, 5)).toEqual({ kind: "unknown" });
  });
});
