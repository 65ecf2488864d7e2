import { parseKubeconfig } from "@slipway/shared/kube";
import { InvalidSettingError } from "@slipway/shared/tool-errors";
import { describe, expect, it } from "vitest";
import { makeKubeconfig } from "../../src/cluster/kubeconfig.js";
import { readSettings } from "../../src/config.js";

describe("kubeconfig", () => {
  it("embeds credentials so the file works on its own", () => {
    const text = makeKubeconfig({
      clusterName: "c",
      server: "https://127.0.0.1:6443",
      caPem: "CA",
      userName: "u",
      clientCertPem: "CERT",
      clientKeyPem: "KEY",
    });
    expect(text).not.toContain("/pki/");
    expect(parseKubeconfig(text)).toEqual({
      server: "https://127.0.0.1:6443",
      caPem: "CA",
      certPem: "CERT",
      keyPem: "KEY",
    });
  });
});

describe("settings", () => {
  it("caches outside the repo, under ~/.cache/slipway by default, one directory per pinned version", () => {
    const s = readSettings({}, "/home/dev");
    expect(s.cacheDir).toBe("/home/dev/.cache/slipway");
    expect(s.binDir).toMatch(
      /^\/home\/dev\/\.cache\/slipway\/k8s-v1\.34\.\d+-etcd-v3\.6\.\d+-kwok-v/,
    );
    expect(s.kwokNodes).toBe(4);
  });

  it("honours SLIPWAY_CACHE_DIR and SLIPWAY_KWOK_NODES and rejects nonsense", () => {
    const s = readSettings({ SLIPWAY_CACHE_DIR: "/c", SLIPWAY_KWOK_NODES: "10" }, "/home/dev");
    expect(s.cacheDir).toBe("/c");
    expect(s.stateFile).toBe("/c/cluster/state.json");
    expect(s.kwokNodes).toBe(10);
    expect(() => readSettings({ SLIPWAY_KWOK_NODES: "lots" })).toThrow(InvalidSettingError);
  });
});
