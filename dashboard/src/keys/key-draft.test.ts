import { describe, expect, it } from "vitest";
import { parseMeta, parseRatelimits } from "./field-drafts";
import { draftFromKey, keyUpdateFromDraft, localDateTime } from "./key-draft";

const key = {
  keyId: "key_1",
  name: "mobile app",
  meta: { plan: "pro" },
  expires: new Date(2031, 4, 6, 7, 8).getTime(),
  enabled: true,
  credits: { remaining: 50 },
  ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
  identity: { externalId: "customer_1" },
};

describe("key drafts", () => {
  it("round-trips a key through the editor unchanged", () => {
    const draft = draftFromKey(key);
    expect(draft.expires).toBe("2031-05-06T07:08");
    const update = keyUpdateFromDraft("key_1", draft);
    expect(update).toEqual({
      ok: true,
      value: {
        keyId: "key_1",
        name: "mobile app",
        externalId: "customer_1",
        meta: { plan: "pro" },
        expires: key.expires,
        credits: { remaining: 50 },
        ratelimits: key.ratelimits,
        enabled: true,
      },
    });
  });

  it("clears what is emptied: name, identity, meta, expiry, credit limit, ratelimits", () => {
    const cleared = keyUpdateFromDraft("key_1", {
      name: " ",
      externalId: "",
      meta: "",
      expires: "",
      credits: "",
      ratelimits: [],
      enabled: false,
    });
    expect(cleared).toEqual({
      ok: true,
      value: {
        keyId: "key_1",
        name: null,
        externalId: null,
        meta: null,
        expires: null,
        credits: { remaining: null },
        ratelimits: [],
        enabled: false,
      },
    });
  });

  it("names the field a person must fix", () => {
    const draft = draftFromKey(key);
    expect(keyUpdateFromDraft("k", { ...draft, credits: "1.5" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Credits/),
    });
    expect(keyUpdateFromDraft("k", { ...draft, meta: "[1]" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/JSON object/),
    });
    expect(keyUpdateFromDraft("k", { ...draft, expires: "soon" })).toMatchObject({ ok: false });
  });
});

describe("field drafts", () => {
  it("reads meta: empty is null, broken JSON and non-objects are refused", () => {
    expect(parseMeta("  ")).toEqual({ ok: true, value: null });
    expect(parseMeta('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseMeta("{a:1}").ok).toBe(false);
    expect(parseMeta('"text"').ok).toBe(false);
    expect(parseMeta("null").ok).toBe(false);
  });

  it("refuses incomplete ratelimits, short windows, fractions and duplicate names", () => {
    const row = { name: "requests", limit: "10", duration: "60000", autoApply: true };
    expect(parseRatelimits([row])).toEqual({
      ok: true,
      value: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
    });
    expect(parseRatelimits([{ ...row, name: "" }]).ok).toBe(false);
    expect(parseRatelimits([{ ...row, duration: "999" }]).ok).toBe(false);
    expect(parseRatelimits([{ ...row, limit: "2.5" }]).ok).toBe(false);
    expect(parseRatelimits([row, row])).toEqual({
      ok: false,
      error: "Ratelimit 2: the name 'requests' is used twice.",
    });
  });

  it("formats local date-times the way a datetime-local input reads them", () => {
    expect(localDateTime(new Date(2030, 0, 2, 3, 4).getTime())).toBe("2030-01-02T03:04");
  });
});
