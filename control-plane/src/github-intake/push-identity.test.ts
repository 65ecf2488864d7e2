import { describe, expect, it } from "vitest";
import { pushIdentityOf } from "./push-identity.js";

const push = () => ({
  ref: "refs/heads/main",
  before: "a".repeat(40),
  after: "b".repeat(40),
  repository: { id: 186853002, full_name: "Codertocat/Hello-World", pushed_at: 1557933657 },
  head_commit: { message: "one" },
});

const pullRequest = () => ({
  action: "synchronize",
  number: 2,
  repository: { id: 186853002, full_name: "Codertocat/Hello-World" },
  pull_request: {
    number: 2,
    updated_at: "2019-05-15T15:20:33Z",
    head: { sha: "c".repeat(40) },
    base: { repo: { id: 186853002, full_name: "Codertocat/Hello-World" } },
  },
});

describe("pushIdentityOf", () => {
  it("names the same push the same, whatever else the payload says", () => {
    const other = push();
    other.head_commit.message = "edited";
    expect(pushIdentityOf("push", other)).toBe(pushIdentityOf("push", push()));
    expect(pushIdentityOf("push", push())).toMatch(/^push:[0-9a-f]{64}$/);
  });

  it.each([
    ["ref", (p: ReturnType<typeof push>) => (p.ref = "refs/heads/other")],
    ["before", (p: ReturnType<typeof push>) => (p.before = "d".repeat(40))],
    ["after", (p: ReturnType<typeof push>) => (p.after = "d".repeat(40))],
    ["repository", (p: ReturnType<typeof push>) => (p.repository.id = 1)],
    ["push time", (p: ReturnType<typeof push>) => (p.repository.pushed_at = 1557933658)],
  ])("tells pushes apart by their %s", (_field, change) => {
    const changed = push();
    change(changed);
    expect(pushIdentityOf("push", changed)).not.toBe(pushIdentityOf("push", push()));
  });

  it("tells pull request events apart by action, head and time, and from pushes", () => {
    const base = pushIdentityOf("pull_request", pullRequest());
    expect(base).toMatch(/^pull_request:/);
    for (const change of [
      (p: ReturnType<typeof pullRequest>) => (p.action = "reopened"),
      (p: ReturnType<typeof pullRequest>) => (p.pull_request.head.sha = "e".repeat(40)),
      (p: ReturnType<typeof pullRequest>) => (p.pull_request.updated_at = "2020-01-01T00:00:00Z"),
      (p: ReturnType<typeof pullRequest>) => (p.pull_request.number = 3),
    ]) {
      const changed = pullRequest();
      change(changed);
      expect(pushIdentityOf("pull_request", changed)).not.toBe(base);
    }
  });

  it("has no identity for other events or payloads without a repository", () => {
    expect(pushIdentityOf("installation", { action: "created" })).toBeUndefined();
    expect(pushIdentityOf("push", { ref: "refs/heads/main" })).toBeUndefined();
  });
});
