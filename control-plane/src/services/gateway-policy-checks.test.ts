import type { Policy } from "@slipway/shared/policy";
import { describe, expect, it } from "vitest";
import { policyProblems, referencedKeyspaces } from "./gateway-policy-checks.js";

const keyauth = (keyspaces: string[], permissionQuery?: string): Policy => ({
  name: "k",
  enabled: true,
  keyauth: { keyspaces, ...(permissionQuery ? { permissionQuery } : {}) },
});
const firewall: Policy = { name: "f", enabled: true, firewall: { action: "ACTION_DENY" } };

describe("policyProblems", () => {
  const mine = new Set(["api_mine"]);

  it("accepts the workspace's keyspaces and queries that parse", () => {
    const policies = [keyauth(["api_mine"], "a.read AND (b OR c)"), firewall];
    expect(
      policyProblems(
        policies.map((policy, i) => ({ policy, location: `body.policies.${i}` })),
        mine,
      ),
    ).toEqual([]);
  });

  it("names every keyspace outside the workspace and every query that does not parse", () => {
    const problems = policyProblems(
      [
        { policy: keyauth(["api_mine", "api_theirs"]), location: "body.policies.0" },
        { policy: keyauth(["api_mine"], "a.read AND"), location: "body.policies.1" },
      ],
      mine,
    );
    expect(problems.map((p) => p.location)).toEqual([
      "body.policies.0.keyauth.keyspaces.1",
      "body.policies.1.keyauth.permissionQuery",
    ]);
    expect(problems[0]!.message).toContain("api_theirs");
  });
});

describe("referencedKeyspaces", () => {
  it("lists each keyspace once", () => {
    expect(referencedKeyspaces([keyauth(["a", "b"]), firewall, keyauth(["b"])])).toEqual([
      "a",
      "b",
    ]);
  });
});
