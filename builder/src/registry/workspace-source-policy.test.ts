import { describe, expect, it } from "vitest";
import { makeWorkspaceSourcePolicy } from "./workspace-source-policy.js";

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** BuildKit's evaluation: rules in order, the last match wins; a WILDCARD `*` is any text. */
function allowed(policy: ReturnType<typeof makeWorkspaceSourcePolicy>, identifier: string) {
  let allow = true;
  for (const { action, selector } of policy.rules) {
    const pattern = new RegExp(`^${selector.identifier.split("*").map(escapeRegex).join(".*")}$`);
    if (pattern.test(identifier)) allow = action === "ALLOW";
  }
  return allow;
}

describe("makeWorkspaceSourcePolicy", () => {
  const policy = makeWorkspaceSourcePolicy(
    "127.0.0.1:5000/slipway",
    "127.0.0.1:5000/slipway/ws_a/shop-api",
  );

  it("allows the workspace's own images and anything outside the workspaces' root", () => {
    for (const image of [
      "docker-image://127.0.0.1:5000/slipway/ws_a/shop-api:dep_1",
      "docker-image://127.0.0.1:5000/slipway/ws_a/other-app@sha256:abc",
      "docker-image://127.0.0.1:5000/base/busybox:1.35",
      "docker-image://docker.io/library/node:20",
    ]) {
      expect(allowed(policy, image), image).toBe(true);
    }
  });

  it("denies other workspaces' images under any spelling of the registry's host", () => {
    for (const image of [
      "docker-image://127.0.0.1:5000/slipway/ws_b/app:1",
      "docker-image://localhost:5000/slipway/ws_b/app:1",
      "docker-image://LocalHost:5000/slipway/ws_b/app:1",
      "docker-image://127.0.0.2:5000/slipway/ws_b/app:1",
      "docker-image://registry.internal/slipway/ws_b/app:1",
      // The own workspace through another spelling is not needed, and not allowed.
      "docker-image://localhost:5000/slipway/ws_a/shop-api:1",
      // A name that starts like the own workspace is another workspace.
      "docker-image://127.0.0.1:5000/slipway/ws_a2/app:1",
    ]) {
      expect(allowed(policy, image), image).toBe(false);
    }
  });

  it("without a prefix, the registry's own host is scoped", () => {
    const bare = makeWorkspaceSourcePolicy("registry.example.com", "registry.example.com/ws_a/x");
    expect(allowed(bare, "docker-image://registry.example.com/ws_a/x:1")).toBe(true);
    expect(allowed(bare, "docker-image://registry.example.com/ws_b/x:1")).toBe(false);
    expect(allowed(bare, "docker-image://docker.io/library/node:20")).toBe(true);
  });

  it("refuses a repository outside the workspaces' root", () => {
    expect(() => makeWorkspaceSourcePolicy("r:5000/slipway", "r:5000/other/x")).toThrow(
      /not a workspace's repository/,
    );
  });
});
