import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base58, generateKey, hashKey, KeyMaterialError } from "./key-material.js";

describe("key material", () => {
  it("encodes base58 like Bitcoin, leading zero bytes as 1", () => {
    expect(base58(Buffer.from("Hello World!"))).toBe("2NEpo7TZRRrLZSi2U");
    expect(base58(Buffer.from([0, 0, 1]))).toBe("112");
    expect(base58(Buffer.from([]))).toBe("");
  });

  it("makes prefix_ + base58 of byteLength random bytes, 16 by default", () => {
    const sizes: number[] = [];
    const generated = generateKey({ prefix: "prod" }, (size) => {
      sizes.push(size);
      return Buffer.alloc(size, 0xff);
    });
    expect(sizes).toEqual([16]);
    expect(generated.key).toBe(`prod_${base58(Buffer.alloc(16, 0xff))}`);
    expect(generated.start).toBe(generated.key.slice(0, "prod_".length + 4));
    expect(generated.hash).toBe(createHash("sha256").update(generated.key).digest("base64"));
    expect(generateKey().key).toMatch(/^[1-9A-HJ-NP-Za-km-z]{21,22}$/);
  });

  it("hashes as base64 of the SHA-256, the format migrateKeys accepts", () => {
    expect(hashKey("abc")).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });

  it("refuses byte lengths outside 16-255 and prefixes Unkey refuses", () => {
    expect(() => generateKey({ byteLength: 15 })).toThrow(KeyMaterialError);
    expect(() => generateKey({ byteLength: 256 })).toThrow(KeyMaterialError);
    expect(() => generateKey({ byteLength: 16.5 })).toThrow(KeyMaterialError);
    expect(generateKey({ byteLength: 255 }).key.length).toBeGreaterThan(340);
    expect(() => generateKey({ prefix: "bad-prefix" })).toThrow(KeyMaterialError);
    expect(() => generateKey({ prefix: "a".repeat(17) })).toThrow(KeyMaterialError);
  });
});
