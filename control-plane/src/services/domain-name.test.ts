import { AppError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { canonicalizeDomain, dnsRecordsFor } from "./domain-name.js";

function rejectionOf(input: string): AppError {
  try {
    canonicalizeDomain(input);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`'${input}' was accepted`);
}

describe("canonicalizeDomain", () => {
  it.each([
    { input: "acme.com", name: "acme.com", isApex: true },
    { input: "api.acme.com", name: "api.acme.com", isApex: false },
    { input: "acme.co.uk", name: "acme.co.uk", isApex: true },
    { input: "api.acme.co.uk", name: "api.acme.co.uk", isApex: false },
    { input: "a.b.api.acme.co.uk", name: "a.b.api.acme.co.uk", isApex: false },
    { input: "bücher.de", name: "xn--bcher-kva.de", isApex: true },
    { input: "shop.bücher.de", name: "shop.xn--bcher-kva.de", isApex: false },
    { input: "xn--bcher-kva.de", name: "xn--bcher-kva.de", isApex: true },
    { input: "API.Acme.COM", name: "api.acme.com", isApex: false },
    { input: "acme.com.", name: "acme.com", isApex: true },
    { input: "  Api.Acme.Com.  ", name: "api.acme.com", isApex: false },
  ])("'$input' → '$name' (apex: $isApex)", ({ input, name, isApex }) => {
    expect(canonicalizeDomain(input)).toEqual({ name, isApex });
  });

  it.each([
    { input: "co.uk", why: "public suffix" },
    { input: "com", why: "top-level domain alone" },
    { input: "https://acme.com", why: "scheme" },
    { input: "acme.com:443", why: "port" },
    { input: "acme.com/path", why: "path" },
    { input: "acme.com?x=1", why: "query" },
    { input: "user@acme.com", why: "user info" },
    { input: "10.0.0.1", why: "IPv4 address" },
    { input: "localhost", why: "single label" },
    { input: "acme.invalidtld", why: "unknown top-level domain" },
    { input: "-api.acme.com", why: "label starting with a hyphen" },
    { input: "api_v1.acme.com", why: "underscore in a label" },
    { input: "api..acme.com", why: "empty label" },
    { input: `${"a".repeat(64)}.acme.com`, why: "label over 63 characters" },
    {
      input: `${Array.from({ length: 50 }, () => "abcd").join(".")}.acme.com`,
      why: "name over 253 characters",
    },
    { input: "", why: "empty" },
  ])("rejects '$input' ($why) as a 400 on body.domain", ({ input }) => {
    const appError = rejectionOf(input);
    expect(appError.status).toBe(400);
    expect(appError.code).toBe("bad_request");
    expect(appError.errors).toHaveLength(1);
    expect(appError.errors?.[0]).toMatchObject({
      location: "body.domain",
      message: appError.message,
    });
  });

  it("tells the caller how to fix a URL and a public suffix", () => {
    const url = rejectionOf("https://acme.com/path");
    expect(url.message).toContain("not a bare hostname");
    expect(url.errors?.[0]?.fix).toMatch(/no scheme, port or path/);
    const suffix = rejectionOf("co.uk");
    expect(suffix.message).toContain("public suffix");
    expect(suffix.errors?.[0]?.fix).toContain("acme.co.uk");
  });
});

describe("dnsRecordsFor", () => {
  const target = "edge.slipway.test";
  const unverified = {
    verificationToken: "tok123",
    routingVerified: false,
    ownershipVerified: false,
  };

  it.each([
    { name: "acme.com", isApex: true, routingType: "ALIAS" },
    { name: "acme.co.uk", isApex: true, routingType: "ALIAS" },
    { name: "api.acme.com", isApex: false, routingType: "CNAME" },
  ])(
    "$name gets a $routingType to the edge and a TXT at _slipway.$name",
    ({ name, isApex, routingType }) => {
      const records = dnsRecordsFor({ name, isApex, ...unverified }, target);
      expect(records).toEqual([
        expect.objectContaining({
          type: routingType,
          name,
          value: target,
          ttl: 60,
          verified: false,
        }),
        expect.objectContaining({
          type: "TXT",
          name: `_slipway.${name}`,
          value: "slipway-verification=tok123",
          ttl: 60,
          verified: false,
        }),
      ]);
    },
  );

  it("explains on an apex record that a plain CNAME will not do", () => {
    const [routing] = dnsRecordsFor({ name: "acme.com", isApex: true, ...unverified }, target);
    expect(routing?.note).toMatch(/ALIAS/);
  });

  it("flags each record by what was read back, independently", () => {
    const records = dnsRecordsFor(
      {
        name: "api.acme.com",
        isApex: false,
        verificationToken: "t",
        routingVerified: false,
        ownershipVerified: true,
      },
      target,
    );
    expect(records.map((record) => [record.type, record.verified])).toEqual([
      ["CNAME", false],
      ["TXT", true],
    ]);
  });
});
