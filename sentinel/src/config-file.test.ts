import { describe, expect, it } from "vitest";
import { parseConfigFile } from "./config-file.js";

describe("parseConfigFile", () => {
  it("reads routes, policies and static instances", () => {
    const file = parseConfigFile(
      JSON.stringify({
        routes: [
          {
            hosts: ["api.example.com"],
            environmentId: "env_1",
            deploymentId: "dep_1",
            policies: [
              { id: "pol_1", name: "fw", enabled: true, firewall: { action: "ACTION_DENY" } },
            ],
          },
        ],
        instances: { dep_1: [{ id: "local", address: "127.0.0.1", port: 3000, region: "eu-1" }] },
      }),
      "v1",
    );
    expect(file.snapshot.version).toBe("v1");
    expect(file.snapshot.routes[0]).toMatchObject({
      upstreamProtocol: "http1",
      policies: [{ id: "pol_1", firewall: { action: "ACTION_DENY" } }],
    });
    expect(file.instances.dep_1).toHaveLength(1);
  });
  it("names the bad entry", () => {
    expect(() =>
      parseConfigFile(
        JSON.stringify({
          routes: [
            {
              hosts: ["API.example.com:80"],
              environmentId: "e",
              deploymentId: "d",
              policies: [
                {
                  id: "p",
                  name: "x",
                  enabled: true,
                  match: [{ path: { path: { regex: "(?=x)" } } }],
                  firewall: { action: "ACTION_DENY" },
                },
              ],
            },
          ],
        }),
        "v",
      ),
    ).toThrow(
      /routes\.0\.hosts\.0[\s\S]*routes\.0\.policies\.0\.match\.0\.path\.path\.regex: invalid RE2 regex/,
    );
  });
});
