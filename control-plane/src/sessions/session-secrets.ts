import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new session: the cookie's token (only its hash is stored) and the CSRF token. */
export function mintSessionSecrets(): { token: string; tokenHash: string; csrfToken: string } {
  const token = randomBytes(32).toString("base64url");
  return {
    token,
    tokenHash: hashSessionToken(token),
    csrfToken: randomBytes(32).toString("base64url"),
  };
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time: both sides are hashed first, so neither length nor content leaks by timing. */
export function csrfTokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
