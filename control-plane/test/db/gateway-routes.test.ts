import { defaultRuntime, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, domains, gatewayPolicies } from "../../src/db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
} from "../harness/deployment-rows.js";

/**
 * The contract between the control plane's tables and Sentinel (migration 0009): what the
 * `gateway_routes` view shows, and which writes notify `slipway_gateway_config`.
 */

let database: TestDatabase;
let scope: DeploymentScope;
let listener: pg.Client;
const notifications: string[] = [];
const at = new Date("2026-01-01T00:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase();
  scope = await insertDeploymentScope(database.db, at);
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on("notification", (message) => notifications.push(message.payload ?? ""));
  await listener.query("listen slipway_gateway_config");
});
afterAll(async () => {
  await listener.end();
});

async function routes() {
  const result = await database.pool.query(
    "select kind, deployment_id, hosts, upstream_protocol, policies from gateway_routes order by kind, deployment_id",
  );
  return result.rows;
}

/**
 * The notifications since the last call, once there is one: a write before the notifying one
 * that had notified too would have arrived first (NOTIFY follows commit order) and shows here.
 */
async function nextNotification(): Promise<string> {
  for (let waited = 0; notifications.length === 0; waited += 5) {
    if (waited > 5000) throw new Error("no notification");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return notifications.splice(0).join(",");
}

describe("the gateway_routes view", () => {
  it("shows the current deployment on verified domains and previews on their own hostnames", async () => {
    const current = await insertDeployment(database.db, scope, {
      status: "ready",
      createdAt: at,
      runtime: { ...defaultRuntime, upstreamProtocol: "h2c" },
    });
    const stopped = await insertDeployment(database.db, scope, {
      status: "stopped",
      createdAt: at,
      hostnames: ["storefront-stopped.preview.test"],
    });
    await insertDeployment(database.db, scope, {
      status: "failed",
      createdAt: at,
      hostnames: ["storefront-failed.preview.test"],
    });
    await database.db
      .update(apps)
      .set({ currentDeploymentId: current })
      .where(eq(apps.id, scope.appId));
    for (const [domain, status] of [
      ["shop.example.com", "verified"],
      ["pending.example.com", "pending"],
    ] as const) {
      await database.db.insert(domains).values({
        id: newId("domain"),
        ...scope,
        domain,
        isApex: false,
        status,
        verificationToken: "t",
        verificationStartedAt: at,
        createdAt: at,
      });
    }
    await database.db.insert(gatewayPolicies).values(
      ["second", "first"].map((name, i) => ({
        id: `pol_${name}`,
        workspaceId: scope.workspaceId,
        environmentId: scope.environmentId,
        position: 1 - i,
        definition: { name, enabled: true, firewall: { action: "ACTION_DENY" as const } },
        createdAt: at,
      })),
    );
    const policies = [
      { id: "pol_first", name: "first", enabled: true, firewall: { action: "ACTION_DENY" } },
      { id: "pol_second", name: "second", enabled: true, firewall: { action: "ACTION_DENY" } },
    ];
    expect(await routes()).toEqual([
      {
        kind: "domain",
        deployment_id: current,
        hosts: ["shop.example.com"],
        upstream_protocol: "h2c",
        policies,
      },
      {
        kind: "preview",
        deployment_id: stopped,
        hosts: ["storefront-stopped.preview.test"],
        upstream_protocol: "http1",
        policies,
      },
    ]);
  });
});

describe("notifications to Sentinel", () => {
  it("come from every write that moves traffic, and not from a build's progress", async () => {
    const id = await insertDeployment(database.db, scope, { status: "pending", createdAt: at });
    // Everything notified before this mark has arrived once the mark has.
    await database.pool.query("select pg_notify('slipway_gateway_config', 'mark')");
    while (!notifications.includes("mark")) await new Promise((r) => setTimeout(r, 5));
    notifications.splice(0);
    const setDeployment = (patch: Partial<typeof deployments.$inferInsert>) =>
      database.db.update(deployments).set(patch).where(eq(deployments.id, id));

    await setDeployment({ status: "building" });
    await setDeployment({ status: "deploying" });
    await setDeployment({ status: "ready", hostnames: ["storefront-new.preview.test"] });
    expect(await nextNotification()).toBe("deployments");

    await database.db.update(apps).set({ updatedAt: new Date() }).where(eq(apps.id, scope.appId));
    await database.db.update(apps).set({ currentDeploymentId: id }).where(eq(apps.id, scope.appId));
    expect(await nextNotification()).toBe("apps");

    await database.db
      .update(domains)
      .set({ status: "failed" })
      .where(eq(domains.domain, "shop.example.com"));
    expect(await nextNotification()).toBe("domains");

    await database.db.delete(gatewayPolicies).where(eq(gatewayPolicies.id, "pol_first"));
    expect(await nextNotification()).toBe("gateway_policies");

    // Stopped and ready both keep their hostnames routed: nothing to tell; failed drops them.
    await setDeployment({ status: "stopped" });
    await setDeployment({ status: "ready" });
    await setDeployment({ status: "failed" });
    expect(await nextNotification()).toBe("deployments");
  });
});
