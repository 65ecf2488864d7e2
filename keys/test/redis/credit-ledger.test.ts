import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeBackCredits } from "../../src/credit-write-back.js";
import { createKeyStore, type KeyStore } from "../../src/key-store.js";
import { createCreditLedger } from "../../src/redis/credit-ledger.js";
import { apiKeys } from "../../src/schema/api-keys.js";
import { createTestDatabase, type TestDatabase, uniqueRedisPrefix } from "../harness/database.js";
import { createKeyspaceFixture } from "../harness/fixtures.js";
import { connectRedis } from "../harness/redis.js";

describe("credits in Redis, written back to PostgreSQL", () => {
  const redis = connectRedis();
  let database: TestDatabase;
  let store: KeyStore;
  let fixture: Awaited<ReturnType<typeof createKeyspaceFixture>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = createKeyStore(database.db);
    fixture = await createKeyspaceFixture(database);
  });

  const storedRemaining = async (keyId: string) => {
    const [row] = await database.db
      .select({ remaining: apiKeys.creditsRemaining, version: apiKeys.creditsVersion })
      .from(apiKeys)
      .where(eq(apiKeys.id, keyId));
    return row!;
  };

  it("reads live balances of the keys Redis holds, and none of the others", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey({ credits: { remaining: 5 } });
    const { keyId: untouched } = await fixture.createKey({ credits: { remaining: 5 } });
    expect(await ledger.balances([])).toEqual(new Map());
    await ledger.spend(keyId, 2, () => store.readBalance(keyId));
    expect(await ledger.balances([keyId, untouched])).toEqual(new Map([[keyId, 3]]));
  });

  it.each([
    [10, 1],
    [10, 3],
    [7, 7],
    [5, 2],
  ])(
    "with %i left and cost %i, 10×R/c concurrent spends succeed exactly ⌊R/c⌋ times",
    async (remaining, cost) => {
      const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
      const { keyId } = await fixture.createKey({ credits: { remaining } });
      const attempts = Math.ceil((10 * remaining) / cost);
      const results = await Promise.all(
        Array.from({ length: attempts }, () =>
          ledger.spend(keyId, cost, () => store.readBalance(keyId)),
        ),
      );
      const spent = results.filter((result) => result?.spent);
      expect(spent).toHaveLength(Math.floor(remaining / cost));
      const left = remaining - spent.length * cost;
      expect(Math.min(...results.map((result) => result!.remaining))).toBe(left);
      await writeBackCredits(ledger, store);
      expect((await storedRemaining(keyId)).remaining).toBe(left);
      expect(await redis.zcard(ledger.dirtyKey)).toBe(0);
    },
  );

  it("cost 0 passes with nothing left and changes nothing", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey({ credits: { remaining: 0 } });
    const load = () => store.readBalance(keyId);
    expect(await ledger.spend(keyId, 0, load)).toEqual({ spent: true, remaining: 0 });
    expect(await ledger.spend(keyId, 1, load)).toEqual({ spent: false, remaining: 0 });
    expect(await redis.zcard(ledger.dirtyKey)).toBe(0);
  });

  it("a key without credits has no balance to spend", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey();
    expect(await ledger.spend(keyId, 1, () => store.readBalance(keyId))).toBeUndefined();
  });

  it("a write-back that crashed after PostgreSQL committed is repeated without harm", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey({ credits: { remaining: 100 } });
    const load = () => store.readBalance(keyId);
    for (let i = 0; i < 5; i++) await ledger.spend(keyId, 1, load);
    // The crash: the balance reached PostgreSQL but the dirty mark was never cleared.
    const dirty = await ledger.readDirty(10);
    await store.writeBalances(dirty);
    expect(await storedRemaining(keyId)).toEqual({ remaining: 95, version: 5 });
    // Meanwhile two more spends; then another process writes back everything dirty.
    await ledger.spend(keyId, 1, load);
    await ledger.spend(keyId, 1, load);
    await writeBackCredits(ledger, store);
    expect(await storedRemaining(keyId)).toEqual({ remaining: 93, version: 7 });
    // A stale write (an old snapshot arriving late) does not go backwards.
    await store.writeBalances(dirty);
    expect(await storedRemaining(keyId)).toEqual({ remaining: 93, version: 7 });
    expect(await redis.zcard(ledger.dirtyKey)).toBe(0);
  });

  it("a write-back that crashed before PostgreSQL committed leaves the key dirty for the next run", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey({ credits: { remaining: 10 } });
    await ledger.spend(keyId, 4, () => store.readBalance(keyId));
    await ledger.readDirty(10); // read, then "crashed": nothing written, nothing cleared
    expect(await redis.zcard(ledger.dirtyKey)).toBe(1);
    await writeBackCredits(ledger, store);
    expect((await storedRemaining(keyId)).remaining).toBe(6);
  });

  it("after Redis loses its data, spends since the last write-back are spent again, and no more", async () => {
    // The stated bound: what was spent after the last write-back (at most one interval's worth).
    const prefix = uniqueRedisPrefix();
    const ledger = createCreditLedger({ redis, prefix });
    const { keyId } = await fixture.createKey({ credits: { remaining: 10 } });
    const load = () => store.readBalance(keyId);
    await ledger.spend(keyId, 3, load);
    await writeBackCredits(ledger, store);
    await ledger.spend(keyId, 2, load); // not yet written back
    await redis.del(ledger.balanceKey(keyId), ledger.dirtyKey);
    expect(await ledger.spend(keyId, 0, load)).toEqual({ spent: true, remaining: 7 });
    // Versions continue from PostgreSQL's, so later write-backs still land.
    await ledger.spend(keyId, 7, load);
    await writeBackCredits(ledger, store);
    expect(await storedRemaining(keyId)).toEqual({ remaining: 0, version: 2 });
  });

  it("adjusts (set, increment, decrement to at most zero) and forgets a key made unlimited", async () => {
    const ledger = createCreditLedger({ redis, prefix: uniqueRedisPrefix() });
    const { keyId } = await fixture.createKey({ credits: { remaining: 5 } });
    const load = () => store.readBalance(keyId);
    expect(await ledger.adjust(keyId, { operation: "increment", value: 10 }, load)).toBe(15);
    expect(await ledger.adjust(keyId, { operation: "decrement", value: 20 }, load)).toBe(0);
    expect(await ledger.adjust(keyId, { operation: "set", value: 42 }, load)).toBe(42);
    await writeBackCredits(ledger, store);
    expect((await storedRemaining(keyId)).remaining).toBe(42);
    await ledger.spend(keyId, 1, load);
    const stale = await ledger.readDirty(10);
    await database.db.update(apiKeys).set({ creditsRemaining: null }).where(eq(apiKeys.id, keyId));
    await ledger.forget(keyId);
    await store.writeBalances(stale);
    expect((await storedRemaining(keyId)).remaining).toBeNull();
  });
});
