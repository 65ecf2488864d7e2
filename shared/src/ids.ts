import { randomFillSync } from "node:crypto";

/** Prefix of every id Slipway mints; the prefix says what kind of object an id names. */
export const idPrefixes = {
  workspace: "ws",
  rootKey: "key",
  project: "proj",
  app: "app",
  environment: "env",
  environmentVariable: "evar",
  deployment: "dep",
  deploymentStep: "step",
  domain: "dom",
  auditLog: "log",
  pullRequestComment: "prc",
  sourceUpload: "src",
  request: "req",
  // API keys (issue 13) share `key_` with root keys: in Unkey's API a root key is a key too.
  apiKey: "key",
  keyspace: "api",
  identity: "id",
  permission: "perm",
  role: "role",
  ratelimit: "rl",
  ratelimitNamespace: "rlns",
  ratelimitOverride: "rlor",
  gatewayPolicy: "pol",
  session: "ses",
} as const;

export type IdKind = keyof typeof idPrefixes;

const crockford = "0123456789abcdefghjkmnpqrstvwxyz";

function encodeTime(ms: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = crockford[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = "";
  for (const byte of bytes) out += crockford[byte % 32];
  return out;
}

// Random bytes are drawn 4 KiB at a time: one CSPRNG call per 256 ids instead of one per id
// (Sentinel makes an id per request).
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function nextRandom16(): Buffer {
  if (randomOffset + 16 > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 16;
  return randomPool.subarray(randomOffset - 16, randomOffset);
}

/**
 * A ULID-shaped id (time first, then 16 random characters) behind a kind prefix.
 * Time first keeps ids sortable by creation, which cursor pagination relies on.
 */
export function newId(kind: IdKind, nowMs: number = Date.now()): string {
  return `${idPrefixes[kind]}_${encodeTime(nowMs)}${encodeRandom(nextRandom16())}`;
}

const idPattern = /^[a-z]+_[0-9a-z]{26}$/;

/** True when `value` has the shape of an id of `kind` (prefix and body), without a lookup. */
export function isId(kind: IdKind, value: string): boolean {
  return value.startsWith(`${idPrefixes[kind]}_`) && idPattern.test(value);
}
