import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { postgresCanEnter } from "./postgres.js";
import { isRoot } from "./processes.js";

/** Where `npm start` keeps everything, so a restart loses nothing. */
export function localDataDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.SLIPWAY_DATA_DIR ?? join(env.INIT_CWD ?? process.cwd(), ".data"));
}

/**
 * PostgreSQL's files live under the data dir unless, as root, the `postgres` user cannot
 * reach it (a checkout under /root, say); then they go to /var/lib/slipway, keyed by the data dir.
 */
export function postgresDataDir(dataDir: string): string {
  const preferred = join(dataDir, "postgres");
  mkdirSync(preferred, { recursive: true });
  if (!isRoot() || postgresCanEnter(preferred)) return preferred;
  const key = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const fallback = join("/var/lib/slipway", key, "postgres");
  mkdirSync(fallback, { recursive: true });
  chmodSync(join("/var/lib/slipway"), 0o755);
  chmodSync(join("/var/lib/slipway", key), 0o755);
  return fallback;
}

/**
 * The local install's master key for environment variables, made once and kept with the
 * data (mode 0600). Production installs pass SLIPWAY_ENCRYPTION_KEYS from a secret store.
 */
export function localEncryptionKeys(dataDir: string): string {
  const file = join(dataDir, "encryption-keys");
  if (!existsSync(file)) {
    writeFileSync(file, `v1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The credential Sentinel and the control plane share for waking idle deployments, made once
 * and kept with the data (mode 0600).
 */
export function localSentinelToken(dataDir: string): string {
  const file = join(dataDir, "sentinel-token");
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}
