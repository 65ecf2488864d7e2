import { describe, expect, it } from "vitest";
import { makeRegistryConfigYaml } from "./registry-config.js";

describe("makeRegistryConfigYaml", () => {
  it("serves a temp dir on loopback, with basic auth when an htpasswd file is given (golden)", () => {
    expect(
      makeRegistryConfigYaml({ storageDir: "/tmp/r", port: 5000, htpasswdFile: "/tmp/h" }),
    ).toBe(
      [
        "# Rendered by builder/src/registry/registry-config.ts",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        '    rootdirectory: "/tmp/r"',
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:5000",
        "auth:",
        "  htpasswd:",
        "    realm: slipway",
        '    path: "/tmp/h"',
        "",
      ].join("\n"),
    );
    expect(makeRegistryConfigYaml({ storageDir: "/tmp/r", port: 5000 })).not.toContain("auth:");
  });
});
