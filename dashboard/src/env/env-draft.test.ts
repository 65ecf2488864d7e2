import { describe, expect, it } from "vitest";
import { deserialiseDraft, serialiseDraft } from "./env-draft";

let counter = 0;
const makeId = () => `row-${++counter}`;

describe("env draft storage", () => {
  it("keeps keys and non-secret values but never a secret value", () => {
    const stored = serialiseDraft([
      { id: "a", key: "PUBLIC_URL", value: "https://shop.example", secret: false },
      { id: "b", key: "STRIPE_KEY", value: "sk_live_very_secret", secret: true },
    ]);
    expect(stored).not.toContain("sk_live_very_secret");
    const restored = deserialiseDraft(stored, makeId);
    expect(
      restored.map(({ key, value, secret, valueLost }) => ({ key, value, secret, valueLost })),
    ).toEqual([
      { key: "PUBLIC_URL", value: "https://shop.example", secret: false, valueLost: undefined },
      { key: "STRIPE_KEY", value: "", secret: true, valueLost: true },
    ]);
  });

  it("drops malformed storage instead of trusting it", () => {
    expect(deserialiseDraft("not json", makeId)).toEqual([]);
    expect(deserialiseDraft('{"key":"A"}', makeId)).toEqual([]);
    expect(
      deserialiseDraft('[{"key":1,"secret":false},{"key":"B","secret":false}]', makeId),
    ).toHaveLength(1);
  });
});
