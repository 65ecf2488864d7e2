import { newId } from "@slipway/shared";
import { V2KeysVerifyKeyResponseData$inboundSchema } from "@unkey/api/models/components";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeBackCredits } from "../../src/credit-write-back.js";
import { createKeyStore } from "../../src/key-store.js";
import { createKeyVerifier, type VerifyKeyRequest } from "../../src/key-verifier.js";
import { PermissionQueryError } from "../../src/permission-query.js";
import { apiKeys } from "../../src/schema/api-keys.js";
import { keyspaces } from "../../src/schema/keyspaces.js";
import { UnknownRatelimitError } from "../../src/verify-decision.js";
import { createTestDatabase, type TestDatabase, uniqueRedisPrefix } from "../harness/database.js";
import { createKeyspaceFixture } from "../harness/fixtures.js";
import { connectRedis } from "../harness/redis.js";

describe("KeyVerifier", () => {
  const redis = connectRedis();
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof createKeyspaceFixture>>;
  let clock = Date.now();

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await createKeyspaceFixture(database);
  });

  /** A verifier of its own per test: its own cache, Redis prefix and clock. */
  const makeVerifier = () => {
    const verifier = createKeyVerifier({
      store: createKeyStore(database.db),
      redis,
      redisPrefix: uniqueRedisPrefix(),
      now: () => clock,
    });
    return {
      ...verifier,
      verify: (key: string, request: Partial<VerifyKeyRequest> = {}) =>
        verifier.verify({ workspaceId: fixture.workspaceId, key, ...request }),
    };
  };

  it("answers VALID with the key's fields, in the SDK's response shape", async () => {
    const { key, keyId } = await fixture.createKey({
      name: "checkout",
      meta: { plan: "pro" },
      expires: clock + 60_000,
      externalId: "user_valid",
      permissions: ["documents.read"],
      credits: { remaining: 5 },
      ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
    });
    const result = await makeVerifier().verify(key, { permissionQuery: "documents.read" });
    expect(result).toMatchObject({
      valid: true,
      code: "VALID",
      keyId,
      name: "checkout",
      meta: { plan: "pro" },
      expires: clock + 60_000,
      enabled: true,
      credits: 4,
      permissions: ["documents.read"],
      roles: [],
      identity: { externalId: "user_valid" },
      ratelimits: [{ name: "requests", exceeded: false, limit: 10, remaining: 9, autoApply: true }],
    });
    expect(V2KeysVerifyKeyResponseData$inboundSchema.parse(result)).toEqual(result);
  });

  it("answers NOT_FOUND, without a key id, for unknown keys and keys of another workspace or keyspace", async () => {
    const verifier = makeVerifier();
    const { key } = await fixture.createKey();
    const other = await createKeyspaceFixture(database);
    const foreign = await other.createKey();
    const otherKeyspace = newId("keyspace");
    await database.db.insert(keyspaces).values({
      id: otherKeyspace,
      workspaceId: fixture.workspaceId,
      name: "elsewhere",
      createdAt: new Date(),
    });
    for (const result of [
      await verifier.verify("sk_nope"),
      await verifier.verify(foreign.key),
      await verifier.verify(key, { keyspaceIds: [otherKeyspace] }),
    ]) {
      expect(result).toEqual({ valid: false, code: "NOT_FOUND" });
    }
    expect((await verifier.verify(key, { keyspaceIds: [fixture.keyspaceId] })).code).toBe("VALID");
  });

  it("verifyWithKey gives verify's answer and the key it decided on, none for a foreign key", async () => {
    const { key, keyId } = await fixture.createKey({ meta: { plan: "pro" } });
    const foreign = await (await createKeyspaceFixture(database)).createKey();
    const verifier = makeVerifier();
    const request = { workspaceId: fixture.workspaceId, key };
    const verdict = await verifier.verifyWithKey(request);
    expect(verdict.response).toEqual(await verifier.verify(key));
    expect(verdict.key).toMatchObject({ id: keyId, keyspaceId: fixture.keyspaceId });
    expect(verdict.key?.meta).toEqual({ plan: "pro" });
    expect(await verifier.verifyWithKey({ ...request, key: foreign.key })).toEqual({
      response: { valid: false, code: "NOT_FOUND" },
    });
  });

  it("checks disabled, then expired, before permissions, ratelimits and credits", async () => {
    const verifier = makeVerifier();
    const limits = [{ name: "requests", limit: 1, duration: 60_000, autoApply: true }];
    const disabled = await fixture.createKey({
      enabled: false,
      expires: clock - 1,
      ratelimits: limits,
    });
    const expired = await fixture.createKey({
      expires: clock,
      credits: { remaining: 1 },
      ratelimits: limits,
    });
    for (let i = 0; i < 3; i++) {
      expect(await verifier.verify(disabled.key, { permissionQuery: "missing" })).toMatchObject({
        valid: false,
        code: "DISABLED",
        keyId: disabled.keyId,
        enabled: false,
      });
      expect(await verifier.verify(expired.key, { permissionQuery: "missing" })).toMatchObject({
        valid: false,
        code: "EXPIRED",
        keyId: expired.keyId,
      });
    }
    // None of those touched a counter: the limit of 1 and the credit are still there once valid.
    await database.db.update(apiKeys).set({ expiresAt: null }).where(eq(apiKeys.id, expired.keyId));
    const fresh = makeVerifier();
    expect(await fresh.verify(expired.key)).toMatchObject({ code: "VALID", credits: 0 });
  });

  it("checks permissions (direct, by role, by wildcard) before ratelimits and credits", async () => {
    await fixture.createRole("editor", ["documents.write", "billing.*"]);
    const { key } = await fixture.createKey({
      permissions: ["documents.read"],
      roles: ["editor"],
      credits: { remaining: 1 },
      ratelimits: [{ name: "requests", limit: 1, duration: 60_000, autoApply: true }],
    });
    const verifier = makeVerifier();
    const denied = await verifier.verify(key, { permissionQuery: "documents.read AND admin" });
    expect(denied).toMatchObject({
      valid: false,
      code: "INSUFFICIENT_PERMISSIONS",
      permissions: ["billing.*", "documents.read", "documents.write"],
      roles: ["editor"],
    });
    expect(denied.ratelimits).toBeUndefined();
    expect(
      await verifier.verify(key, {
        permissionQuery: "documents.read AND (admin OR billing.invoices.read) AND documents.write",
      }),
    ).toMatchObject({ valid: true, code: "VALID", credits: 0 });
  });

  it("refuses a bad permission query before looking anything up", async () => {
    const verifier = makeVerifier();
    await expect(verifier.verify("anything", { permissionQuery: "a AND" })).rejects.toThrow(
      PermissionQueryError,
    );
  });

  it("checks ratelimits before credits: a rate-limited request spends nothing", async () => {
    const { key } = await fixture.createKey({
      credits: { remaining: 10 },
      ratelimits: [{ name: "requests", limit: 2, duration: 60_000 }],
    });
    const verifier = makeVerifier();
    const request = { ratelimits: [{ name: "requests" }] };
    expect(await verifier.verify(key, request)).toMatchObject({ code: "VALID", credits: 9 });
    expect(await verifier.verify(key, request)).toMatchObject({ code: "VALID", credits: 8 });
    const limited = await verifier.verify(key, request);
    expect(limited).toMatchObject({
      valid: false,
      code: "RATE_LIMITED",
      ratelimits: [{ name: "requests", exceeded: true, remaining: 0, limit: 2 }],
    });
    expect(await verifier.verify(key, { credits: { cost: 0 } })).toMatchObject({ credits: 8 });
  });

  it("spends credits: default cost 1, cost 0 passes with none left, USAGE_EXCEEDED when short", async () => {
    const verifier = makeVerifier();
    const { key } = await fixture.createKey({ credits: { remaining: 3 } });
    expect(await verifier.verify(key, { credits: { cost: 2 } })).toMatchObject({
      code: "VALID",
      credits: 1,
    });
    expect(await verifier.verify(key, { credits: { cost: 2 } })).toMatchObject({
      valid: false,
      code: "USAGE_EXCEEDED",
      credits: 1,
    });
    expect(await verifier.verify(key)).toMatchObject({ code: "VALID", credits: 0 });
    expect(await verifier.verify(key)).toMatchObject({ code: "USAGE_EXCEEDED", credits: 0 });
    expect(await verifier.verify(key, { credits: { cost: 0 } })).toMatchObject({
      code: "VALID",
      credits: 0,
    });
    // A key without credits spends nothing and reports none, whatever the cost.
    const unlimited = await fixture.createKey();
    const result = await verifier.verify(unlimited.key, { credits: { cost: 5 } });
    expect(result.code).toBe("VALID");
    expect(result.credits).toBeUndefined();
    await expect(verifier.verify(key, { credits: { cost: -1 } })).rejects.toThrow(/cost/);
  });

  it("uses the key's limit over its identity's of the same name, and shares the identity's across keys", async () => {
    await fixture.addIdentityRatelimit("org_shared", {
      name: "requests",
      limit: 2,
      duration: 60_000,
    });
    await fixture.addIdentityRatelimit("org_shared", {
      name: "uploads",
      limit: 100,
      duration: 60_000,
    });
    const first = await fixture.createKey({ externalId: "org_shared" });
    const second = await fixture.createKey({ externalId: "org_shared" });
    const own = await fixture.createKey({
      externalId: "org_shared",
      ratelimits: [{ name: "requests", limit: 5, duration: 60_000 }],
    });
    const verifier = makeVerifier();
    const request = { ratelimits: [{ name: "requests" }] };
    expect((await verifier.verify(first.key, request)).code).toBe("VALID");
    expect((await verifier.verify(second.key, request)).code).toBe("VALID");
    expect((await verifier.verify(first.key, request)).code).toBe("RATE_LIMITED");
    for (let i = 0; i < 5; i++)
      expect((await verifier.verify(own.key, request)).code).toBe("VALID");
    expect((await verifier.verify(own.key, request)).code).toBe("RATE_LIMITED");
    // An unknown name is an error, unless the request gives the limit inline.
    await expect(verifier.verify(first.key, { ratelimits: [{ name: "nope" }] })).rejects.toThrow(
      UnknownRatelimitError,
    );
    const inline = await verifier.verify(first.key, {
      ratelimits: [{ name: "nope", limit: 1, duration: 1000 }],
    });
    expect(inline).toMatchObject({
      code: "VALID",
      ratelimits: [{ name: "nope", id: "", limit: 1 }],
    });
  });

  it("refills credits at the refill boundary, once, and writes the refill back", async () => {
    const verifier = makeVerifier();
    const createdAt = Date.now();
    clock = createdAt;
    const { key, keyId } = await fixture.createKey({
      credits: { remaining: 1, refill: { interval: "daily", amount: 3 } },
    });
    expect(await verifier.verify(key)).toMatchObject({ code: "VALID", credits: 0 });
    expect(await verifier.verify(key)).toMatchObject({ code: "USAGE_EXCEEDED", credits: 0 });
    // Next UTC midnight: the balance becomes 3 (not 3 more), once.
    clock = (Math.floor(createdAt / 86_400_000) + 1) * 86_400_000 + 1000;
    expect(await verifier.verify(key)).toMatchObject({ code: "VALID", credits: 2 });
    expect(await verifier.verify(key, { credits: { cost: 2 } })).toMatchObject({ credits: 0 });
    expect(await verifier.verify(key)).toMatchObject({ code: "USAGE_EXCEEDED" });
    await writeBackCredits(verifier.ledger, createKeyStore(database.db));
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    expect(row!.creditsRemaining).toBe(0);
    expect(row!.lastRefillAt?.getTime()).toBe(Math.floor(clock / 86_400_000) * 86_400_000);
    clock = Date.now();
  });

  it("with R credits and cost c, 10×R/c concurrent verifies give exactly ⌊R/c⌋ VALID", async () => {
    for (const [remaining, cost] of [
      [20, 1],
      [20, 3],
    ] as const) {
      const { key } = await fixture.createKey({ credits: { remaining } });
      const verifier = makeVerifier();
      const results = await Promise.all(
        Array.from({ length: Math.ceil((10 * remaining) / cost) }, () =>
          verifier.verify(key, { credits: { cost } }),
        ),
      );
      expect(results.filter((result) => result.valid)).toHaveLength(Math.floor(remaining / cost));
      expect(results.filter((result) => result.code === "USAGE_EXCEEDED")).toHaveLength(
        results.length - Math.floor(remaining / cost),
      );
    }
  });

  it("with a limit of L, 10×L concurrent verifies give exactly L VALID", async () => {
    const { key } = await fixture.createKey({
      ratelimits: [{ name: "requests", limit: 25, duration: 60_000, autoApply: true }],
    });
    const verifier = makeVerifier();
    const results = await Promise.all(Array.from({ length: 250 }, () => verifier.verify(key)));
    expect(results.filter((result) => result.valid)).toHaveLength(25);
    expect(results.filter((result) => result.code === "RATE_LIMITED")).toHaveLength(225);
  });
});
