import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** How long an install link stays valid. */
export const installStateTtlMs = 60 * 60 * 1000;

/** The state key is derived from the master key, so no extra secret needs configuring. */
export function installStateKey(masterKey: Buffer): Buffer {
  return Buffer.from(
    hkdfSync("sha256", masterKey, Buffer.alloc(0), "slipway github install state", 32),
  );
}

export interface InstallState {
  workspaceId: string;
  expiresAt: number;
  /** The install flow's single-use nonce, also held in a cookie of the browser that started it. */
  nonce: string;
}

/**
 * Pure: the `state` carried through GitHub's install flow: which workspace asked, until when,
 * and which flow, signed so the setup callback cannot be pointed at another workspace.
 */
export function signInstallState(key: Buffer, state: InstallState): string {
  const body = Buffer.from(
    JSON.stringify({ w: state.workspaceId, e: state.expiresAt, n: state.nonce }),
  ).toString("base64url");
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export type InstallStateCheck = ({ ok: true } & InstallState) | { ok: false; reason: string };

export function verifyInstallState(key: Buffer, state: string, now: number): InstallStateCheck {
  const [body, signature] = state.split(".");
  if (!body || !signature) return { ok: false, reason: "the state is malformed" };
  const expected = createHmac("sha256", key).update(body).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "the state signature does not match" };
  }
  const { w, e, n } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
    w: string;
    e: number;
    n: string;
  };
  if (e < now)
    return {
      ok: false,
      reason: "the install link has expired; start again with github.installApp",
    };
  return { ok: true, workspaceId: w, expiresAt: e, nonce: n };
}
