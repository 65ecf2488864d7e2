import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface MasterKey {
  version: number;
  key: Buffer;
}

export interface SealedValue {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  wrappedDataKey: Buffer;
  keyVersion: number;
}

export class DecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DecryptionError";
  }
}

function aesGcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, authTag: cipher.getAuthTag() };
}

function aesGcmOpen(
  key: Buffer,
  sealed: { iv: Buffer; ciphertext: Buffer; authTag: Buffer },
  aad: Buffer,
) {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/**
 * Envelope encryption for environment variable values: each value gets its own data key,
 * and the data key is sealed under a versioned master key. `context` (environment id and
 * variable key) is bound as associated data, so a ciphertext copied to another row won't open.
 */
export function createEnvVarCipher(masterKeys: MasterKey[]) {
  if (masterKeys.length === 0) throw new Error("at least one master key is required");
  const current = masterKeys[0]!;
  const byVersion = new Map(masterKeys.map((key) => [key.version, key.key]));

  return {
    seal(plaintext: string, context: string): SealedValue {
      const dataKey = randomBytes(32);
      const aad = Buffer.from(context, "utf8");
      const value = aesGcmSeal(dataKey, Buffer.from(plaintext, "utf8"), aad);
      const wrapped = aesGcmSeal(current.key, dataKey, aad);
      return {
        ciphertext: value.ciphertext,
        iv: value.iv,
        authTag: value.authTag,
        // iv(12) | tag(16) | sealed data key(32)
        wrappedDataKey: Buffer.concat([wrapped.iv, wrapped.authTag, wrapped.ciphertext]),
        keyVersion: current.version,
      };
    },

    open(sealed: SealedValue, context: string): string {
      const masterKey = byVersion.get(sealed.keyVersion);
      if (!masterKey) {
        throw new DecryptionError(`master key v${sealed.keyVersion} is not configured`);
      }
      const aad = Buffer.from(context, "utf8");
      try {
        const dataKey = aesGcmOpen(
          masterKey,
          {
            iv: sealed.wrappedDataKey.subarray(0, 12),
            authTag: sealed.wrappedDataKey.subarray(12, 28),
            ciphertext: sealed.wrappedDataKey.subarray(28),
          },
          aad,
        );
        return aesGcmOpen(dataKey, sealed, aad).toString("utf8");
      } catch (error) {
        throw new DecryptionError("a stored value failed authentication", { cause: error });
      }
    },
  };
}

export type EnvVarCipher = ReturnType<typeof createEnvVarCipher>;
