/** The cookie that carries a dashboard session's token. */
export const SESSION_COOKIE = "slipway_session";

/**
 * Pure: the `Set-Cookie` value of a new session. `HttpOnly` (no script reads it),
 * `SameSite=Strict` (no other site's page sends it), `Path=/`, and `Secure` when the browser
 * reached Slipway over TLS.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const age = Math.max(0, Math.floor(maxAgeSeconds));
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}${secure ? "; Secure" : ""}`;
}

/** Pure: the `Set-Cookie` value that makes the browser forget its session. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

/** A token this API could have minted (43 base64url characters); anything else is not looked up. */
export function isWellFormedSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
