import { AppError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { accessCheckFor, permits } from "./permissions.js";

describe("permits", () => {
  it.each([
    [["*"], "project.proj_1.read_project", true],
    [["project.*.read_project"], "project.proj_1.read_project", true],
    [["project.proj_1.read_project"], "project.proj_1.read_project", true],
    [["project.proj_2.read_project"], "project.proj_1.read_project", false],
    [["project.*.update_project"], "project.proj_1.read_project", false],
    [["project.proj_1.read_project"], "project.*.read_project", false],
    [["app.*.read_app"], "project.proj_1.read_project", false],
  ])("%j grants %s: %s", (granted, required, expected) => {
    expect(permits(granted, required)).toBe(expected);
  });
});

describe("accessCheckFor", () => {
  const requirement = { resource: "environment", action: "read_domain", scope: "object" } as const;

  it("refuses up front when no grant could ever match", () => {
    expect(() => accessCheckFor(["project.*.read_project"], requirement)).toThrow(AppError);
  });

  it("checks the addressed object's own id and records that it did", () => {
    const check = accessCheckFor(["environment.env_a.read_domain"], requirement);
    expect(check.satisfied).toBe(false);
    check({ projectId: "proj_1" });
    expect(check.satisfied).toBe(false);
    check({ projectId: "proj_1", environmentId: "env_a" });
    expect(check.satisfied).toBe(true);
    expect(() => check({ environmentId: "env_b" })).toThrow(/read_domain/);
  });

  it("needs the wildcard grant for an 'all' requirement", () => {
    const all = { resource: "project", action: "read_project", scope: "all" } as const;
    expect(() => accessCheckFor(["project.proj_1.read_project"], all)).toThrow(AppError);
    expect(accessCheckFor(["project.*.read_project"], all).satisfied).toBe(true);
  });

  it("lists the ids a grant covers, or 'all' for a wildcard, and counts that as the check", () => {
    const verify = { resource: "api", action: "verify_key", scope: "object" } as const;
    const scoped = accessCheckFor(
      ["api.api_a.verify_key", "*.api_b.*", "api.api_c.read_key", "project.*.verify_key"],
      verify,
    );
    expect(scoped.satisfied).toBe(false);
    expect(scoped.grantedIds()).toEqual(["api_a", "api_b"]);
    expect(scoped.satisfied).toBe(true);
    expect(accessCheckFor(["api.*.verify_key"], verify).grantedIds()).toBe("all");
    expect(accessCheckFor(["*"], verify).grantedIds()).toBe("all");
  });

  it("checks a second action on the same object", () => {
    const read = { resource: "api", action: "read_key", scope: "object" } as const;
    const check = accessCheckFor(["api.api_a.read_key", "api.api_a.read_api"], read);
    expect(() => check.requireAlso("read_api", { apiId: "api_a" })).not.toThrow();
    expect(() => check.requireAlso("decrypt_key", { apiId: "api_a" })).toThrow(/decrypt_key/);
    expect(check.allows("read_api", { apiId: "api_b" })).toBe(false);
  });
});
