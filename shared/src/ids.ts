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
const crockfordCodes = Buffer.from(crockford, "latin1");

// An id is written byte by byte into one scratch buffer and read out as a single flat string:
// Sentinel mints one per request, and building it a character at a time made ~30 strings.
const scratch = Buffer.alloc(64);
const prefixBytes = new Map<IdKind, Buffer>();

/** `prefix_` + 10 characters of time (most significant first) + one per random byte. */
function encodeId(kind: IdKind, ms: number, random: Buffer): string {
  let prefix = prefixBytes.get(kind);
  if (!prefix) {
    prefix = Buffer.from(`${idPrefixes[kind]}_`, "latin1");
    prefixBytes.set(kind, prefix);
  }
  prefix.copy(scratch, 0);
  const timeAt = prefix.length;
  let rest = ms;
  for (let i = 9; i >= 0; i--) {
    scratch[timeAt + i] = crockfordCodes[rest % 32]!;
    rest = Math.floor(rest / 32);
  }
  const randomAt = timeAt + 10;
  for (let i = 0; i < random.length; i++) {
    scratch[randomAt + i] = crockfordCodes[random[i]! % 32]!;
  }
  return scratch.toString("latin1", 0, randomAt + random.length);
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
  return encodeId(kind, nowMs, nextRandom16());
}

const idPattern = /^[a-z]+_[0-9a-z]{26}$/;

/** True when `value` has the shape of an id of `kind` (prefix and body), without a lookup. */
export function isId(kind: IdKind, value: string): boolean {
  return value.startsWith(`${idPrefixes[kind]}_`) && idPattern.test(value);
}
