import { beforeAll, describe, expect, it } from "vitest";
import { CHART_DIR, ensureHelm, helmRun } from "./helm.js";

let helm: string;

const platform = {
  "controlPlane.enabled": "true",
  "controlPlane.existingSecret": "slipway-secrets",
  "builder.registry": "registry.example.com:5000",
};

const template = (values: Record<string, string>) =>
  helmRun(helm, ["template", "r", CHART_DIR, "--namespace", "slipway-system"], values);

beforeAll(async () => {
  helm = await ensureHelm();
}, 30 * 60_000);

describe("charts/slipway values.schema.json", () => {
  it("passes `helm lint --strict` with the defaults, the platform and the bundled stores", async () => {
    for (const values of [
      {},
      platform,
      { ...platform, "bundled.postgresql.enabled": "true", "bundled.redis.enabled": "true" },
    ]) {
      const lint = await helmRun(helm, ["lint", "--strict", CHART_DIR], values);
      expect(lint.output, JSON.stringify(values)).toContain("1 chart(s) linted, 0 chart(s) failed");
      expect(lint.code).toBe(0);
    }
  });

  it.each([
    [
      { "sentinel.regions[0].name": "EU_1" },
      "at '/sentinel/regions/0/name': 'EU_1' does not match pattern",
    ],
    [{ "sentinel.replicas": "0" }, "at '/sentinel/replicas': minimum: got 0, want 1"],
    [
      { "sentinel.service.type": "Ingress" },
      "at '/sentinel/service/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'",
    ],
    [{ "controlPlane.api.replicas": "0" }, "at '/controlPlane/api/replicas': minimum: got 0"],
    [
      { "controlPlane.migrations.mode": "sometimes" },
      "at '/controlPlane/migrations/mode': value must be one of 'hook', 'initContainer'",
    ],
    [{ "image.registry": "" }, "at '/image/registry': minLength"],
    [
      { "operator.image.pullPolicy": "Sometimes" },
      "at '/operator/image/pullPolicy': value must be one of",
    ],
    [
      { "bundled.postgresql.enabled": "yes" },
      "at '/bundled/postgresql/enabled': got string, want boolean",
    ],
    [{ "apps.namespace": "Apps_1" }, "at '/apps/namespace': 'Apps_1' does not match pattern"],
    [{ "buildkit.image.tag": "" }, "at '/buildkit/image/tag': minLength"],
    [{ "sentinal.replicas": "2" }, "additional properties 'sentinal' not allowed"],
    [
      { "sentinel.trustedProxies[0]": "localhost" },
      "at '/sentinel/trustedProxies/0': 'localhost' does not match pattern",
    ],
  ])("refuses %j at helm template and helm lint, naming the value", async (bad, message) => {
    const rendered = await template({ ...platform, ...bad });
    expect(rendered.code).not.toBe(0);
    expect(rendered.output).toContain("values don't meet the specifications of the schema");
    expect(rendered.output).toContain(message);
    const lint = await helmRun(helm, ["lint", CHART_DIR], { ...platform, ...bad });
    expect(lint.code).not.toBe(0);
    expect(lint.output).toContain(message);
  });
});
