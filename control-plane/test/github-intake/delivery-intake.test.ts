import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { githubDeliveries } from "../../src/db/schema/index.js";
import {
  createDeliveryIntake,
  type IncomingDelivery,
} from "../../src/github-intake/delivery-intake.js";
import type { Job } from "../../src/jobs/job-types.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

const delivery = (id: string, payloadText = `{"ref":"refs/heads/main"}`): IncomingDelivery => ({
  id,
  event: "push",
  action: null,
  installationId: "1",
  payloadText,
  receivedAt: new Date(),
});

function recordingQueues() {
  const calls: Job[][] = [];
  return {
    calls,
    queues: {
      enqueueMany: async (jobs: readonly Job[]) => {
        calls.push([...jobs]);
      },
    },
  };
}

describe("delivery intake", () => {
  it("stores and enqueues concurrent deliveries in batches, each answered once stored", async () => {
    const { calls, queues } = recordingQueues();
    const intake = createDeliveryIntake({ db: database.db, queues, maxInFlight: 1 });
    const ids = Array.from({ length: 30 }, () => randomUUID());
    // The first id arrives twice in the same burst, as a quick redelivery would.
    const results = await Promise.all([...ids, ids[0]!].map((id) => intake.store(delivery(id))));
    expect(results.filter((result) => result.duplicate)).toHaveLength(1);
    expect(results[0]).toEqual({ duplicate: false });
    const stored = await database.db
      .select({ id: githubDeliveries.id })
      .from(githubDeliveries)
      .where(inArray(githubDeliveries.id, ids));
    expect(stored).toHaveLength(30);
    // The first delivery went alone; the rest waited for it and went together.
    expect(calls.length).toBeLessThan(ids.length);
    expect(
      new Set(calls.flat().map((job) => (job.data as { deliveryId: string }).deliveryId)),
    ).toEqual(new Set(ids));
    const again = await intake.store(delivery(ids[5]!));
    expect(again).toEqual({ duplicate: true });
  });

  it("keeps the signed text: numbers beyond 2^53 keep their digits", async () => {
    const { queues } = recordingQueues();
    const intake = createDeliveryIntake({ db: database.db, queues });
    const id = randomUUID();
    await intake.store(delivery(id, `{"installation":{"id":12345678901234567890}}`));
    const [row] = await database.db
      .select({ payload: githubDeliveries.payload })
      .from(githubDeliveries)
      .where(eq(githubDeliveries.id, id));
    expect(row).toBeDefined();
    const { rows } = await database.pool.query(
      "select payload->'installation'->>'id' as id from github_deliveries where id = $1",
      [id],
    );
    expect(rows[0].id).toBe("12345678901234567890");
  });

  it("a row PostgreSQL refuses fails alone, not the batch it came with", async () => {
    const { queues } = recordingQueues();
    const intake = createDeliveryIntake({ db: database.db, queues, maxInFlight: 1 });
    const good = Array.from({ length: 5 }, () => randomUUID());
    const bad = randomUUID();
    // Valid JSON that jsonb refuses: a NUL character in a string.
    const results = await Promise.allSettled([
      intake.store(delivery(randomUUID())),
      ...good.map((id) => intake.store(delivery(id))),
      intake.store(delivery(bad, `{"message":"\\u0000"}`)),
    ]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    expect(results.at(-1)!.status).toBe("rejected");
    const stored = await database.db
      .select({ id: githubDeliveries.id })
      .from(githubDeliveries)
      .where(inArray(githubDeliveries.id, [...good, bad]));
    expect(stored.map((row) => row.id).sort()).toEqual([...good].sort());
  });

  it("answers nobody whose job could not be enqueued", async () => {
    const intake = createDeliveryIntake({
      db: database.db,
      queues: {
        enqueueMany: async () => {
          throw new Error("redis is down");
        },
      },
    });
    await expect(intake.store(delivery(randomUUID()))).rejects.toThrow("redis is down");
  });
});
