import * as crypto from "node:crypto";
import { createHash, randomBytes } from "node:crypto";

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export const keyByteLength = { default: 16, min: 16, max: 255 } as const;
/** Unkey's rule for prefixes: letters, digits and underscores, at most 16 characters. */
export const keyPrefixPattern = /^[a-zA-Z0-9_]{1,16}$/;

export class KeyMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyMaterialError";
  }
}

/** Bitcoin-style base58: leading zero bytes become "1", the rest is the number in base 58. */
export function base58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Digits of the number in base 58, least significant first.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = "1".repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += base58Alphabet[digits[i]!];
  return out;
}

// crypto.hash (Node ≥ 20.12): one call, no Hash object; a verify hashes the key every time
// (2.5x faster than createHash here). Strings are hashed as UTF-8 by both.
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: string, encoding: "base64") => string }
).hash;

/** How a key is stored and looked up: base64 of its SHA-256, never the key itself. */
export function hashKey(key: string): string {
  return oneShotHash
    ? oneShotHash("sha256", key, "base64")
    : createHash("sha256").update(key, "utf8").digest("base64");
}

/** What a person sees to tell keys apart: the prefix and the first 4 characters after it. */
export function keyStart(key: string, prefix: string | undefined): string {
  const head = prefix ? `${prefix}_` : "";
  return key.slice(0, head.length + 4);
}

export interface GeneratedKey {
  /** Shown to the caller once; never stored in the clear. */
  key: string;
  hash: string;
  start: string;
}

/**
 * A new key: `prefix_` (when a prefix is given) and base58 of `byteLength` random bytes.
 * `random` is passed in so tests can pin the bytes.
 */
export function generateKey(
  options: { prefix?: string; byteLength?: number } = {},
  random: (size: number) => Uint8Array = randomBytes,
): GeneratedKey {
  const byteLength = options.byteLength ?? keyByteLength.default;
  if (
    !Number.isInteger(byteLength) ||
    byteLength < keyByteLength.min ||
    byteLength > keyByteLength.max
  ) {
    throw new KeyMaterialError(
      `byteLength must be an integer from ${keyByteLength.min} to ${keyByteLength.max}`,
    );
  }
  if (options.prefix !== undefined && !keyPrefixPattern.test(options.prefix)) {
    throw new KeyMaterialError("prefix must be 1-16 letters, digits or underscores");
  }
  const body = base58(random(byteLength));
  const key = options.prefix ? `${options.prefix}_${body}` : body;
  return { key, hash: hashKey(key), start: keyStart(key, options.prefix) };
}
