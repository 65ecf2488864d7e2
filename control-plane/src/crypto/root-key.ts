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

export function hashRootKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}
