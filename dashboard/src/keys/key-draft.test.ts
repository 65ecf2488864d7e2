import { describe, expect, it } from "vitest";
import { parseMeta, parseRatelimits } from "./field-drafts";
import { draftFromKey, keyUpdateFromDraft, localDateTime } from "./key-draft";

const key = {
  keyId: "key_1",
  name: "mobile app",
  meta: { plan: "pro" },
  expires: new Date(2031, 4, 6, 7, 8, 9).getTime(),
  enabled: true,
  credits: { remaining: 50 },
  ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
  identity: { externalId: "customer_1" },
};

describe("key drafts", () => {
  it("sends nothing but the key id when nothing changed (no stale credits, no rounded expiry)", () => {
    const initial = draftFromKey(key);
    expect(initial.expires).toBe("2031-05-06T07:08");
    expect(keyUpdateFromDraft("key_1", initial, { ...initial })).toEqual({
      ok: true,
      value: { keyId: "key_1" },
    });
  });

  it("sends exactly the changed fields", () => {
    const initial = draftFromKey(key);
    const update = keyUpdateFromDraft("key_1", initial, {
      ...initial,
      name: "mobile app v2",
      credits: "5",
      enabled: false,
      ratelimits: [{ name: "requests", limit: "20", duration: "60000", autoApply: true }],
    });
    expect(update).toEqual({
      ok: true,
      value: {
        keyId: "key_1",
        name: "mobile app v2",
        credits: { remaining: 5 },
        enabled: false,
        ratelimits: [{ name: "requests", limit: 20, duration: 60_000, autoApply: true }],
      },
    });
  });

  it("clears what is emptied: name, identity, meta, expiry, credit limit, ratelimits", () => {
    const cleared = keyUpdateFromDraft("key_1", draftFromKey(key), {
      name: " ",
      externalId: "",
      meta: "",
      expires: "",
      credits: "",
      ratelimits: [],
      enabled: true,
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
      },
    });
  });

  it("names the field a person must fix", () => {
    const draft = draftFromKey(key);
    expect(keyUpdateFromDraft("k", draft, { ...draft, credits: "1.5" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Credits/),
    });
    expect(keyUpdateFromDraft("k", draft, { ...draft, meta: "[1]" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/JSON object/),
    });
    expect(keyUpdateFromDraft("k", draft, { ...draft, expires: "soon" })).toMatchObject({
      ok: false,
    });
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
