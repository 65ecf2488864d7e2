import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { systemDnsLookup } from "../../src/services/dns-resolver.js";
import { runDomainVerificationPass } from "../../src/services/domain-verification.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { startTestDnsServer, type TestDnsServer } from "../harness/dns-server.js";

const hourMs = 60 * 60 * 1000;

let api: TestApi;
let dns: TestDnsServer;
let workspace: TestWorkspace;
let target: string;
/** How far the server's clock runs ahead of real time; tests move it to cross the 24 h window. */
let clockSkewMs = 0;

const production = { project: "shop", app: "storefront", environment: "production" } as const;

beforeAll(async () => {
  dns = await startTestDnsServer();
  api = await startTestApi({
    clock: () => new Date(Date.now() + clockSkewMs),
    dns: systemDnsLookup([dns.address]),
  });
  target = api.config.SLIPWAY_DOMAIN_TARGET;
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  await workspace.sdk.apps.createApp({ project: "shop", name: "Storefront", slug: "storefront" });
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("the call succeeded");
    },
    (error: unknown) => error,
  );
}

describe("attaching and reading domains", () => {
  it("answers a subdomain with a CNAME and an apex with an ALIAS, each with its ownership TXT", async () => {
    const sub = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "www.acme-shop.com",
    });
    expect(sub.data.domainId).toMatch(/^dom_[0-9a-z]{26}$/);
    expect(
      sub.data.dnsRecords.map(({ type, name, value, verified }) => ({
        type,
        name,
        value,
        verified,
      })),
    ).toEqual([
      { type: "CNAME", name: "www.acme-shop.com", value: target, verified: false },
      {
        type: "TXT",
        name: "_slipway.www.acme-shop.com",
        value: expect.stringMatching(/^slipway-verification=\S+$/),
        verified: false,
      },
    ]);

    const apex = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "acme-shop.co.uk",
    });
    expect(apex.data.dnsRecords.map((record) => [record.type, record.name])).toEqual([
      ["ALIAS", "acme-shop.co.uk"],
      ["TXT", "_slipway.acme-shop.co.uk"],
    ]);
    // Each domain proves ownership with its own token.
    expect(apex.data.dnsRecords[1]?.value).not.toBe(sub.data.dnsRecords[1]?.value);
  });

  it("finds a domain by id and by any spelling of its name, with the records creation returned", async () => {
    const created = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "Shop.Bücher.de.",
    });

    const byId = await workspace.sdk.domains.getDomain({ domain: created.data.domainId });
    expect(byId.data).toMatchObject({
      id: created.data.domainId,
      domain: "shop.xn--bcher-kva.de",
      status: "pending",
      dnsRecords: created.data.dnsRecords,
    });
    expect(byId.data.verificationError).toBeUndefined();
    const project = await workspace.sdk.projects.getProject({ project: "shop" });
    const app = await workspace.sdk.apps.getApp({ project: "shop", app: "storefront" });
    const environments = await workspace.sdk.environments.listEnvironments({
      project: "shop",
      app: "storefront",
    });
    expect(byId.data.projectId).toBe(project.data.id);
    expect(byId.data.appId).toBe(app.data.id);
    expect(byId.data.environmentId).toBe(
      environments.data.find((environment) => environment.slug === "production")?.id,
    );

    for (const spelling of ["shop.xn--bcher-kva.de", "SHOP.BÜCHER.DE", "shop.bücher.de."]) {
      const byName = await workspace.sdk.domains.getDomain({ domain: spelling });
      expect(byName.data, spelling).toEqual(byId.data);
    }
  });

  it("pages through an environment's domains in id order and filters by search", async () => {
    const local = await api.newWorkspace("paging");
    await local.sdk.projects.createProject({ name: "Blog", slug: "blog" });
    await local.sdk.apps.createApp({ project: "blog", name: "Web", slug: "web" });
    const refs = { project: "blog", app: "web", environment: "preview" };
    const created: string[] = [];
    for (const domain of ["a.blog-example.com", "b.blog-example.com", "docs.other-example.org"]) {
      created.push((await local.sdk.domains.createDomain({ ...refs, domain })).data.domainId);
    }
    // Another environment's domain never shows up in this one's list.
    await local.sdk.domains.createDomain({
      ...refs,
      environment: "production",
      domain: "c.blog-example.com",
    });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await local.sdk.domains.listDomains({
        ...refs,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      expect(response.data.length).toBeLessThanOrEqual(1);
      seen.push(...response.data.map((domain) => domain.id));
      if (!response.pagination.hasMore) break;
      cursor = response.pagination.cursor;
      expect(cursor).toBeDefined();
    }
    expect(seen).toEqual([...created].sort());

    const first = await local.sdk.domains.listDomains({ ...refs, limit: 1 });
    expect(first.pagination).toMatchObject({ hasMore: true, cursor: expect.any(String) });

    const searched = await local.sdk.domains.listDomains({ ...refs, search: "BLOG-EXAMPLE" });
    expect(searched.data.map((domain) => domain.domain).sort()).toEqual([
      "a.blog-example.com",
      "b.blog-example.com",
    ]);
    expect(searched.pagination.hasMore).toBe(false);
    expect(searched.data[0]?.dnsRecords).toHaveLength(2);

    // The SDK documents search as matching the id as well as the name.
    const byId = await local.sdk.domains.listDomains({
      ...refs,
      search: created[2]!.toUpperCase(),
    });
    expect(byId.data.map((domain) => domain.domain)).toEqual(["docs.other-example.org"]);

    const none = await local.sdk.domains.listDomains({ ...refs, search: "%" });
    expect(none.data).toEqual([]);
  });

  it("refuses the same name twice in one workspace but lets another workspace attach it", async () => {
    await workspace.sdk.domains.createDomain({ ...production, domain: "api.twice-example.com" });
    const failure = await failureOf(
      workspace.sdk.domains.createDomain({
        ...production,
        environment: "preview",
        domain: "API.twice-example.com.",
      }),
    );
    expect(failure).toBeInstanceOf(errors.ConflictErrorResponse);
    expect((failure as errors.ConflictErrorResponse).data$.error.detail).toContain(
      "api.twice-example.com",
    );

    const other = await api.newWorkspace("other");
    await other.sdk.projects.createProject({ name: "Shop", slug: "shop" });
    await other.sdk.apps.createApp({ project: "shop", name: "Storefront", slug: "storefront" });
    const theirs = await other.sdk.domains.createDomain({
      ...production,
      domain: "api.twice-example.com",
    });
    // Each workspace sees only its own row under that name.
    const ours = await workspace.sdk.domains.getDomain({ domain: "api.twice-example.com" });
    expect(ours.data.id).not.toBe(theirs.data.domainId);
    await expect(
      workspace.sdk.domains.getDomain({ domain: theirs.data.domainId }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });

  it("deletes a domain by name, after which it is gone and its name can be attached again", async () => {
    const created = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "old.acme-shop.com",
    });
    await workspace.sdk.domains.deleteDomain({ domain: "old.acme-shop.com" });
    await expect(
      workspace.sdk.domains.getDomain({ domain: created.data.domainId }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.domains.deleteDomain({ domain: created.data.domainId }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const again = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "old.acme-shop.com",
    });
    expect(again.data.domainId).not.toBe(created.data.domainId);
  });

  it.each([
    ["https://acme.com", /bare hostname/],
    ["acme.com:443", /bare hostname/],
    ["acme.com/path", /bare hostname/],
    ["co.uk", /public suffix/],
    ["10.0.0.1", /IP address/],
    ["localhost", /two labels/],
  ])("rejects '%s' with a 400 that points at body.domain", async (domain, detail) => {
    const failure = await failureOf(workspace.sdk.domains.createDomain({ ...production, domain }));
    expect(failure).toBeInstanceOf(errors.BadRequestErrorResponse);
    const { error } = (failure as errors.BadRequestErrorResponse).data$;
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(detail);
    expect(error.errors).toEqual([
      expect.objectContaining({ location: "body.domain", message: expect.stringMatching(detail) }),
    ]);
  });

  it("answers 404 for an unknown environment and for a name that is not a domain", async () => {
    await expect(
      workspace.sdk.domains.createDomain({
        ...production,
        environment: "staging",
        domain: "x.acme-shop.com",
      }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.domains.getDomain({ domain: "https://acme.com" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });
});

describe("verifying a domain against real DNS", () => {
  it("stays verifying and names the missing TXT until the records are published, then verifies both", async () => {
    const { data } = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "api.verify-example.com",
    });
    const [routing, ownership] = data.dnsRecords;

    await workspace.sdk.domains.verifyDomain({ domain: data.domainId });
    const waiting = await workspace.sdk.domains.getDomain({ domain: data.domainId });
    expect(waiting.data.status).toBe("verifying");
    expect(waiting.data.verificationError).toContain(
      "No TXT record found at _slipway.api.verify-example.com",
    );
    expect(waiting.data.dnsRecords.map((record) => record.verified)).toEqual([false, false]);
    // The server really asked our DNS server, not some other resolver.
    expect(dns.queries).toContain("TXT _slipway.api.verify-example.com");

    dns.setRecord(ownership!.name, "TXT", ["slipway-verification=someone-elses-token"]);
    await workspace.sdk.domains.verifyDomain({ domain: "api.verify-example.com" });
    const wrongValue = await workspace.sdk.domains.getDomain({ domain: data.domainId });
    expect(wrongValue.data.status).toBe("verifying");
    expect(wrongValue.data.verificationError).toContain("someone-elses-token");

    dns.setRecord(ownership!.name, "TXT", ["unrelated=1", ownership!.value]);
    dns.setRecord(routing!.name, "CNAME", [`${target.toUpperCase()}.`]);
    await workspace.sdk.domains.verifyDomain({ domain: "API.verify-example.com" });
    const verified = await workspace.sdk.domains.getDomain({ domain: data.domainId });
    expect(verified.data.status).toBe("verified");
    expect(verified.data.verificationError).toBeUndefined();
    expect(verified.data.dnsRecords.map((record) => [record.type, record.verified])).toEqual([
      ["CNAME", true],
      ["TXT", true],
    ]);
    expect(verified.data.updatedAt).toBeGreaterThanOrEqual(verified.data.createdAt);

    // The SDK: "A domain that is already `verified` returns a 412."
    await expect(
      workspace.sdk.domains.verifyDomain({ domain: data.domainId }),
    ).rejects.toBeInstanceOf(errors.PreconditionFailedErrorResponse);
  });

  it("verifies by the TXT alone when the routing record is hidden (flattened apex)", async () => {
    const { data } = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "flat-example.com",
    });
    const ownership = data.dnsRecords.find((record) => record.type === "TXT")!;
    dns.setRecord(ownership.name, "TXT", [ownership.value]);
    await workspace.sdk.domains.verifyDomain({ domain: "flat-example.com" });
    const verified = await workspace.sdk.domains.getDomain({ domain: "flat-example.com" });
    expect(verified.data.status).toBe("verified");
    expect(verified.data.dnsRecords.map((record) => [record.type, record.verified])).toEqual([
      ["ALIAS", false],
      ["TXT", true],
    ]);
  });

  it("fails a domain whose records are still missing 24 hours later, and verifyDomain restarts it", async () => {
    const { data } = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "late.verify-example.com",
    });
    const ownership = data.dnsRecords.find((record) => record.type === "TXT")!;
    const verifier = {
      db: api.database.db,
      dns: systemDnsLookup([dns.address]),
      clock: () => new Date(Date.now() + clockSkewMs),
      target,
    };
    const statusOf = async () =>
      (await workspace.sdk.domains.getDomain({ domain: data.domainId })).data;
    try {
      // The background verifier keeps checking; within the window the domain stays verifying.
      clockSkewMs = 23 * hourMs;
      expect(await runDomainVerificationPass(verifier)).toBeGreaterThanOrEqual(1);
      expect((await statusOf()).status).toBe("verifying");

      clockSkewMs = 24 * hourMs + 60_000;
      await runDomainVerificationPass(verifier);
      const failed = await statusOf();
      expect(failed.status).toBe("failed");
      expect(failed.verificationError).toMatch(
        /No TXT record found at _slipway\.late\.verify-example\.com.*24 hour/,
      );

      // A failed domain is left alone by the verifier, even once the record appears...
      dns.setRecord(ownership.name, "TXT", [ownership.value]);
      await runDomainVerificationPass(verifier);
      expect((await statusOf()).status).toBe("failed");

      // ...until verifyDomain restarts it, as the SDK documents: a fresh window and a check.
      await workspace.sdk.domains.verifyDomain({ domain: data.domainId });
      const restarted = await statusOf();
      expect(restarted.status).toBe("verified");
      expect(restarted.verificationError).toBeUndefined();
    } finally {
      clockSkewMs = 0;
    }
  });

  it("gives a pending domain a new 24 hour window on verifyDomain", async () => {
    const { data } = await workspace.sdk.domains.createDomain({
      ...production,
      domain: "renewed.verify-example.com",
    });
    const verifier = {
      db: api.database.db,
      dns: systemDnsLookup([dns.address]),
      clock: () => new Date(Date.now() + clockSkewMs),
      target,
    };
    try {
      clockSkewMs = 20 * hourMs;
      await workspace.sdk.domains.verifyDomain({ domain: data.domainId });
      // 25 h after creation but only 5 h into the restarted window: still verifying.
      clockSkewMs = 25 * hourMs;
      await runDomainVerificationPass(verifier);
      const domain = (await workspace.sdk.domains.getDomain({ domain: data.domainId })).data;
      expect(domain.status).toBe("verifying");
    } finally {
      clockSkewMs = 0;
    }
  });
});
