import { createHash, randomBytes } from "node:crypto";

const rootKeyPrefix = "sw_root_";

/** A new root key: the plaintext goes to the caller once; only the hash is ever stored. */
export function mintRootKey(): { plaintext: string; hash: string; start: string } {
  const plaintext = `${rootKeyPrefix}${randomBytes(24).toString("base64url")}`;
  return {
    plaintext,
    hash: hashRootKey(plaintext),
    start: plaintext.slice(0, rootKeyPrefix.length + 4),
  };
}

/** At least 32 characters after the prefix, e.g. `sw_root_$(openssl rand -hex 24)`. */
const givenRootKey = /^sw_root_[A-Za-z0-9_-]{32,200}$/;

/**
 * A root key an operator chose (SLIPWAY_BOOTSTRAP_ROOT_KEY): the same shape as a minted one,
 * so it authenticates the same way. A malformed one is refused with what to send instead.
 */
export function rootKeyFromPlaintext(plaintext: string): {
  plaintext: string;
  hash: string;
  start: string;
} {
  if (!givenRootKey.test(plaintext)) {
    throw new Error(
      `a root key must be ${rootKeyPrefix} followed by 32-200 of [A-Za-z0-9_-], e.g. ${rootKeyPrefix}$(openssl rand -hex 24)`,
    );
  }
  return {
    plaintext,
    hash: hashRootKey(plaintext),
    start: plaintext.slice(0, rootKeyPrefix.length + 4),
  };
}

export function hashRootKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}
