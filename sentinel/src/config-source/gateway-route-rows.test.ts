import { describe, expect, it } from "vitest";
import { type GatewayRouteRow, snapshotFromRows } from "./gateway-route-rows.js";

const deny = (id: string) => ({
  id,
  name: "no admin",
  enabled: true,
  match: [{ path: { path: { prefix: "/admin" } } }],
  firewall: { action: "ACTION_DENY" },
});

const row = (overrides: Partial<GatewayRouteRow>): GatewayRouteRow => ({
  kind: "preview",
  deployment_id: "dep_1",
  workspace_id: "ws_1",
  environment_id: "env_1",
  hosts: ["a.example.com"],
  upstream_protocol: "http1",
  policies: [],
  ...overrides,
});

describe("snapshotFromRows", () => {
  it("turns rows into routes with their workspace, protocol and policies", () => {
    const { snapshot, problems } = snapshotFromRows([
      row({ hosts: ["Shop.Example.com"], upstream_protocol: "h2c", policies: [deny("pol_1")] }),
    ]);
    expect(problems).toEqual([]);
    expect(snapshot.routes).toEqual([
      {
        hosts: ["shop.example.com"],
        environmentId: "env_1",
        workspaceId: "ws_1",
        deploymentId: "dep_1",
        upstreamProtocol: "h2c",
        policies: [deny("pol_1")],
      },
    ]);
  });

  it("gives a host to one route: a domain before a preview, then the older deployment", () => {
    const { snapshot } = snapshotFromRows([
      row({ deployment_id: "dep_3", hosts: ["x.example.com", "p3.example.com"] }),
      row({ deployment_id: "dep_2", kind: "domain", hosts: ["x.example.com"] }),
      row({ deployment_id: "dep_1", hosts: ["p3.example.com"] }),
    ]);
    const owner = (host: string) =>
      snapshot.routes.find((route) => route.hosts.includes(host))?.deploymentId;
    expect(owner("x.example.com")).toBe("dep_2");
    expect(owner("p3.example.com")).toBe("dep_1");
    expect(snapshot.routes.map((r) => r.hosts.length)).toEqual([1, 1]);
  });

  it("leaves out a route whose policies do not parse, hosts and all (fail closed)", () => {
    const { snapshot, problems } = snapshotFromRows([
      row({ deployment_id: "dep_bad", policies: [{ id: "pol_1", name: "x", enabled: true }] }),
      row({ deployment_id: "dep_other", hosts: ["a.example.com", "b.example.com"] }),
    ]);
    expect(problems.map((p) => p.deploymentId)).toEqual(["dep_bad"]);
    expect(snapshot.routes).toEqual([
      expect.objectContaining({ deploymentId: "dep_other", hosts: ["b.example.com"] }),
    ]);
  });

  it("versions by content: the same rows give the same version, a change another", () => {
    const a = snapshotFromRows([row({}), row({ deployment_id: "dep_2", hosts: ["b.e.com"] })]);
    const b = snapshotFromRows([row({ deployment_id: "dep_2", hosts: ["b.e.com"] }), row({})]);
    const c = snapshotFromRows([row({ policies: [deny("pol_9")] })]);
    expect(a.snapshot.version).toBe(b.snapshot.version);
    expect(c.snapshot.version).not.toBe(a.snapshot.version);
  });
});
