import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/key-material.js";
import { createApiKey, type SealKey, sealedKeyContext } from "../../src/key-writer.js";
import { apiKeys } from "../../src/schema/api-keys.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import { createKeyspaceFixture } from "../harness/fixtures.js";

// A stand-in for the control plane's envelope cipher: AES-256-GCM with the context as AAD.
const masterKey = randomBytes(32);
const seal: SealKey = (plaintext, context) => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    ciphertext,
    iv,
    authTag: cipher.getAuthTag(),
    wrappedDataKey: Buffer.alloc(60),
    keyVersion: 1,
  };
};

describe("no plaintext key in the database", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  /** Every row of every table as text (bytea as hex), the way a dump would show it. */
  async function dumpDatabase(): Promise<string> {
    const tables = await database.pool.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    const rows: string[] = [];
    for (const { table_name } of tables.rows) {
      const result = await database.pool.query(`select t::text as row from "${table_name}" t`);
      rows.push(...result.rows.map((row: { row: string }) => row.row));
    }
    return rows.join("\n");
  }

  it("stores only the hash and start, and a recoverable key only sealed", async () => {
    const fixture = await createKeyspaceFixture(database, true);
    const created = [
      await fixture.createKey({ prefix: "sk_live", externalId: "user_1", permissions: ["a.b"] }),
      await createApiKey(
        database.db,
        { workspaceId: fixture.workspaceId, keyspaceId: fixture.keyspaceId, recoverable: true },
        { seal },
      ),
    ];
    const dump = await dumpDatabase();
    for (const { key, keyId } of created) {
      const body = key.slice(key.lastIndexOf("_") + 1);
      for (const form of [
        key,
        body,
        body.slice(4, 16),
        Buffer.from(key).toString("hex"),
        Buffer.from(key).toString("base64"),
      ]) {
        expect(dump).not.toContain(form);
      }
      expect(dump).toContain(hashKey(key));
      const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
      // The prefix and 4 characters of the random part: nothing more of it.
      expect(row!.start).toBe(key.slice(0, key.length - body.length + 4));
    }
    // The sealed key opens with the master key and its own row's context, to the plaintext.
    const [sealed] = await database.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.id, created[1]!.keyId));
    const decipher = createDecipheriv("aes-256-gcm", masterKey, sealed!.sealedKeyIv!);
    decipher.setAAD(Buffer.from(sealedKeyContext(created[1]!.keyId)));
    decipher.setAuthTag(sealed!.sealedKeyAuthTag!);
    const opened = Buffer.concat([decipher.update(sealed!.sealedKey!), decipher.final()]);
    expect(opened.toString("utf8")).toBe(created[1]!.key);
  });

  it("refuses a recoverable key where the keyspace does not allow it", async () => {
    const fixture = await createKeyspaceFixture(database, false);
    await expect(fixture.createKey({ recoverable: true })).rejects.toMatchObject({
      code: "recoverable_not_allowed",
    });
    // A missing role is the role store's 404, as every keys.* call answers it.
    await expect(fixture.createKey({ roles: ["missing"] })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(fixture.createKey({ permissions: ["bad name"] })).rejects.toMatchObject({
      code: "invalid_permission",
    });
    await expect(fixture.createKey({ expires: 4_102_444_800_001 })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});
