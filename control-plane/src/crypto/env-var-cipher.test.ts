import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEnvVarCipher, DecryptionError } from "./env-var-cipher.js";

const keyV1 = { version: 1, key: randomBytes(32) };
const keyV2 = { version: 2, key: randomBytes(32) };

describe("environment variable envelope encryption", () => {
  it("round-trips a value and never stores it in the clear", () => {
    const cipher = createEnvVarCipher([keyV1]);
    const sealed = cipher.seal("s3cret-välue", "env_1/API_KEY");
    expect(sealed.ciphertext.includes(Buffer.from("s3cret"))).toBe(false);
    expect(sealed.keyVersion).toBe(1);
    expect(cipher.open(sealed, "env_1/API_KEY")).toBe("s3cret-välue");
  });

  it("seals the same value differently each time", () => {
    const cipher = createEnvVarCipher([keyV1]);
    const a = cipher.seal("same", "ctx");
    const b = cipher.seal("same", "ctx");
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it("refuses a value opened under another row's context", () => {
    const cipher = createEnvVarCipher([keyV1]);
    const sealed = cipher.seal("value", "env_1/A");
    expect(() => cipher.open(sealed, "env_1/B")).toThrow(DecryptionError);
  });

  it("refuses a tampered ciphertext", () => {
    const cipher = createEnvVarCipher([keyV1]);
    const sealed = cipher.seal("value", "ctx");
    sealed.ciphertext[0]! ^= 1;
    expect(() => cipher.open(sealed, "ctx")).toThrow(DecryptionError);
  });

  it("after a rotation seals with the new key and still opens values sealed with the old one", () => {
    const before = createEnvVarCipher([keyV1]);
    const old = before.seal("old value", "ctx");
    const after = createEnvVarCipher([keyV2, keyV1]);
    const fresh = after.seal("new value", "ctx");
    expect(fresh.keyVersion).toBe(2);
    expect(after.open(old, "ctx")).toBe("old value");
    expect(after.open(fresh, "ctx")).toBe("new value");
    expect(() => createEnvVarCipher([keyV2]).open(old, "ctx")).toThrow(/v1 is not configured/);
  });
});
