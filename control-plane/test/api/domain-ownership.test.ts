import * as errors from "@unkey/api/models/errors";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { domains } from "../../src/db/schema/index.js";
import { systemDnsLookup } from "../../src/services/dns-resolver.js";
import { runDomainRecheckPass } from "../../src/services/domain-reverification.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { startTestDnsServer, type TestDnsServer } from "../harness/dns-server.js";

const hourMs = 60 * 60 * 1000;
const refs = { project: "site", app: "web", environment: "production" } as const;

let api: TestApi;
let dns: TestDnsServer;
let owner: TestWorkspace;
let rival: TestWorkspace;
/** How far the server's clock runs ahead of real time; tests move it past the re-check interval. */
let clockSkewMs = 0;
const clock = () => new Date(Date.now() + clockSkewMs);

async function workspaceWithApp(name: string) {
  const workspace = await api.newWorkspace(name);
  await workspace.sdk.projects.createProject({ name: "Site", slug: "site" });
  await workspace.sdk.apps.createApp({ project: "site", name: "Web", slug: "web" });
  return workspace;
}

beforeAll(async () => {
  dns = await startTestDnsServer();
  api = await startTestApi({ clock, dns: systemDnsLookup([dns.address]) });
  owner = await workspaceWithApp("owner");
  rival = await workspaceWithApp("rival");
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("the call succeeded");
    },
    (error: unknown) => error,
  );
}

/** Adds the hostname to a workspace and publishes its TXT record (next to any already there). */
async function claim(workspace: TestWorkspace, hostname: string) {
  const { data } = await workspace.sdk.domains.createDomain({ ...refs, domain: hostname });
  const ownership = data.dnsRecords.find((record) => record.type === "TXT")!;
  return { domainId: data.domainId, txtName: ownership.name, txtValue: ownership.value };
}

async function verifiedByOwner(hostname: string) {
  const claimed = await claim(owner, hostname);
  dns.setRecord(claimed.txtName, "TXT", [claimed.txtValue]);
  await owner.sdk.domains.verifyDomain({ domain: hostname });
  expect((await owner.sdk.domains.getDomain({ domain: hostname })).data.status).toBe("verified");
  return claimed;
}

const recheck = (intervalMs = hourMs) =>
  runDomainRecheckPass(
    {
      db: api.database.db,
      dns: systemDnsLookup([dns.address]),
      clock,
      target: api.config.SLIPWAY_DOMAIN_TARGET,
    },
    { intervalMs },
  );

/**
 * A 409 in the error envelope: a `ConflictErrorResponse` from createDomain; verifyDomain's SDK
 * declares no 409, so there it arrives as a plain `APIError`.
 */
function expectTaken(failure: unknown, hostname: string) {
  expect(failure).toBeInstanceOf(errors.UnkeyError);
  expect((failure as errors.UnkeyError).statusCode).toBe(409);
  const { error, meta } = JSON.parse((failure as errors.UnkeyError).body);
  expect(error.status).toBe(409);
  expect(error.detail).toContain(`'${hostname}' is verified by another workspace`);
  // That it is taken, and nothing about by whom.
  expect(error.detail).not.toMatch(/ws_|dom_|prj_|app_|env_/);
  expect(meta.requestId).toMatch(/^req_/);
}

describe("a verified hostname belongs to one workspace", () => {
  it("refuses adding a hostname another workspace verified, with a 409 that says only that", async () => {
    await verifiedByOwner("www.owned-example.com");
    expectTaken(
      await failureOf(
        rival.sdk.domains.createDomain({ ...refs, domain: "WWW.owned-example.com." }),
      ),
      "www.owned-example.com",
    );
  });

  it("lets unverified claims coexist; the first to verify wins and the other's verify is a 409", async () => {
    const theirs = await claim(rival, "shop.first-example.com");
    const ours = await claim(owner, "shop.first-example.com");
    // Whoever controls the zone published both tokens: both could verify, only one may.
    dns.setRecord(ours.txtName, "TXT", [ours.txtValue, theirs.txtValue]);
    await owner.sdk.domains.verifyDomain({ domain: "shop.first-example.com" });

    expectTaken(
      await failureOf(rival.sdk.domains.verifyDomain({ domain: "shop.first-example.com" })),
      "shop.first-example.com",
    );
    const rivals = await rival.sdk.domains.getDomain({ domain: theirs.domainId });
    expect(rivals.data.status).not.toBe("verified");
  });

  it("verifies exactly one of two workspaces verifying at the same moment", async () => {
    const a = await claim(owner, "race.both-example.com");
    const b = await claim(rival, "race.both-example.com");
    dns.setRecord(a.txtName, "TXT", [a.txtValue, b.txtValue]);
    const results = await Promise.allSettled([
      owner.sdk.domains.verifyDomain({ domain: a.domainId }),
      rival.sdk.domains.verifyDomain({ domain: b.domainId }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected")!;
    expectTaken((rejected as PromiseRejectedResult).reason, "race.both-example.com");
    const rows = await api.database.db
      .select()
      .from(domains)
      .where(eq(domains.domain, "race.both-example.com"));
    expect(rows.filter((row) => row.status === "verified")).toHaveLength(1);
  });

  it("is enforced by the database, not only by the API", async () => {
    const b = await claim(rival, "db.enforced-example.com");
    await verifiedByOwner("db.enforced-example.com");
    await expect(
      api.database.db.update(domains).set({ status: "verified" }).where(eq(domains.id, b.domainId)),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23505" }) });
  });
});

describe("re-checking verified domains", () => {
  it("keeps a domain whose record is still there, and checks it again only once the interval passed", async () => {
    await verifiedByOwner("kept.recheck-example.com");
    try {
      clockSkewMs = 2 * hourMs;
      expect((await recheck()).kept).toBeGreaterThanOrEqual(1);
      const asked = dns.queries.length;
      // Just checked: nothing is due before another interval.
      expect(await recheck()).toEqual({ unknown: 0, kept: 0, lost: 0 });
      expect(dns.queries.length).toBe(asked);
    } finally {
      clockSkewMs = 0;
    }
    const domain = await owner.sdk.domains.getDomain({ domain: "kept.recheck-example.com" });
    expect(domain.data.status).toBe("verified");
  });

  it("marks a domain whose record is gone lost: shown, audited, no longer routing, claimable", async () => {
    const claimed = await verifiedByOwner("lost.recheck-example.com");
    dns.removeRecord(claimed.txtName, "TXT");
    try {
      clockSkewMs = 2 * hourMs;
      expect((await recheck()).lost).toBeGreaterThanOrEqual(1);
    } finally {
      clockSkewMs = 0;
    }

    const lost = await owner.sdk.domains.getDomain({ domain: "lost.recheck-example.com" });
    expect(lost.data.status).toBe("failed");
    expect(lost.data.verificationError).toMatch(
      /^Verification lost at .*No TXT record found at _slipway\.lost\.recheck-example\.com/,
    );
    expect(lost.data.dnsRecords.find((record) => record.type === "TXT")?.verified).toBe(false);
    const audit = await (
      await api.post("/v2/auditLogs.listAuditLogs", { targetId: claimed.domainId }, owner.rootKey)
    ).json();
    expect(audit.data.map((entry: { action: string }) => entry.action)).toContain(
      "domain.verification_lost",
    );
    const lostEntry = audit.data.find(
      (entry: { action: string }) => entry.action === "domain.verification_lost",
    );
    expect(lostEntry.actor.type).toBe("system");

    // The hostname is free: another workspace proves it and verifies it.
    const theirs = await claim(rival, "lost.recheck-example.com");
    dns.setRecord(theirs.txtName, "TXT", [theirs.txtValue]);
    await rival.sdk.domains.verifyDomain({ domain: "lost.recheck-example.com" });
    const verified = await rival.sdk.domains.getDomain({ domain: "lost.recheck-example.com" });
    expect(verified.data.status).toBe("verified");
    // ...and the former owner can't verify it back while it is theirs.
    expectTaken(
      await failureOf(owner.sdk.domains.verifyDomain({ domain: "lost.recheck-example.com" })),
      "lost.recheck-example.com",
    );
  });

  it("keeps a domain verified when DNS gives no answer at all", async () => {
    await verifiedByOwner("quiet.recheck-example.com");
    // Nothing listens on this port: every lookup fails without saying the record is gone.
    const silent = systemDnsLookup(["127.0.0.1:9"]);
    try {
      clockSkewMs = 2 * hourMs;
      const counts = await runDomainRecheckPass(
        { db: api.database.db, dns: silent, clock, target: api.config.SLIPWAY_DOMAIN_TARGET },
        { intervalMs: hourMs },
      );
      expect(counts.lost).toBe(0);
      expect(counts.unknown).toBeGreaterThanOrEqual(1);
    } finally {
      clockSkewMs = 0;
    }
    const domain = await owner.sdk.domains.getDomain({ domain: "quiet.recheck-example.com" });
    expect(domain.data.status).toBe("verified");
  });
});
