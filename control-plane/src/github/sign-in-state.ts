import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** How long a person has to finish GitHub's authorization page. */
export const signInStateTtlMs = 10 * 60 * 1000;

/** Derived from the master key, like the install state's, under a name of its own. */
export function signInStateKey(masterKey: Buffer): Buffer {
  return Buffer.from(
    hkdfSync("sha256", masterKey, Buffer.alloc(0), "slipway github sign-in state", 32),
  );
}

/**
 * Pure: the `state` of a GitHub sign-in: a single-use nonce (also in a cookie of the browser
 * that started) and its expiry, signed so it cannot be made up.
 */
export function signSignInState(key: Buffer, state: { nonce: string; expiresAt: number }): string {
  const body = Buffer.from(JSON.stringify({ n: state.nonce, e: state.expiresAt })).toString(
    "base64url",
  );
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export type SignInStateCheck =
  | { ok: true; nonce: string; expiresAt: number }
  | { ok: false; reason: string };

export function verifySignInState(key: Buffer, state: string, now: number): SignInStateCheck {
  const [body, signature, ...rest] = state.split(".");
  if (!body || !signature || rest.length > 0)
    return { ok: false, reason: "the state is malformed" };
  const expected = createHmac("sha256", key).update(body).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "the state signature does not match" };
  }
  const { n, e } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
    n: string;
    e: number;
  };
  if (e < now) return { ok: false, reason: "the sign-in took too long; start again" };
  return { ok: true, nonce: n, expiresAt: e };
}
