import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findFreePorts } from "@slipway/shared/free-ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type SentinelProcess,
  startSentinelProcess,
} from "../../../sentinel/test/sentinel-process.js";
import { ensureHelm } from "./helm.js";
import { envOf, find, type Manifest, render } from "./platform-install.js";

const run = promisify(execFile);
let helm: string;
let sentinel: SentinelProcess;
let manifests: Manifest[];

/**
 * Runs a `helm test` Pod's own command (node -e <script>) here, with its env but its URL
 * pointed at `url` (and, when given, another Host header): the check a user's `helm test`
 * runs, against a real Sentinel process instead of the in-cluster Service.
 */
async function runCheck(pod: Manifest, url: string, host?: string) {
  const [container] = pod.spec.containers;
  const env = Object.fromEntries(
    Object.entries(envOf(pod)).map(([name, entry]) => [name, entry.value ?? ""]),
  );
  env.SLIPWAY_TEST_URL = url;
  if (host !== undefined) env.SLIPWAY_TEST_HOST = host;
  const [node, ...args] = container.command as string[];
  expect(node).toBe("node");
  return run(process.execPath, args, { env: { PATH: process.env.PATH ?? "", ...env } }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
  );
}

beforeAll(async () => {
  helm = await ensureHelm();
  ({ manifests } = await render(helm, "t", "slipway-system", {
    "controlPlane.enabled": "true",
    "controlPlane.existingSecret": "slipway-secrets",
    "builder.registry": "registry.example.com:5000",
    "controlPlane.image.repository": "registry.local:5000/slipway/control-plane",
    "controlPlane.image.tag": "abc123",
    "sentinel.regions[0].name": "eu-1",
    "sentinel.regions[1].name": "us-1",
  }));
  // One routed host whose deployment has no instance (a 503), every other host unknown.
  sentinel = await startSentinelProcess(
    {
      routes: [
        { hosts: ["app.example"], environmentId: "env_1", deploymentId: "dep_1", policies: [] },
      ],
      instances: {},
    },
    { SENTINEL_WORKERS: "1" },
  );
}, 30 * 60_000);

afterAll(async () => {
  await sentinel?.stop();
});

describe("charts/slipway helm test hooks", () => {
  it("are test hooks in the control-plane image: the API's /readyz and each region's Sentinel", () => {
    const pods = manifests.filter((m) => m.kind === "Pod");
    expect(pods.map((m) => m.metadata.name).sort()).toEqual([
      "t-test-api",
      "t-test-sentinel-eu-1",
      "t-test-sentinel-us-1",
    ]);
    for (const pod of pods) {
      expect(pod.metadata.annotations).toMatchObject({
        "helm.sh/hook": "test",
        "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
      });
      expect(pod.spec.restartPolicy).toBe("Never");
      expect(pod.spec.containers[0].image).toBe("registry.local:5000/slipway/control-plane:abc123");
    }
    expect(envOf(find(manifests, "Pod", "t-test-api")).SLIPWAY_TEST_URL!.value).toBe(
      "http://t-api:80/readyz",
    );
    expect(envOf(find(manifests, "Pod", "t-test-sentinel-us-1")).SLIPWAY_TEST_URL!.value).toBe(
      "http://t-sentinel-us-1:80/",
    );
  });

  it("the Sentinel check passes on Sentinel's 404 envelope for an unknown host, and only on it", async () => {
    const pod = find(manifests, "Pod", "t-test-sentinel-eu-1");
    const passed = await runCheck(pod, `http://127.0.0.1:${sentinel.port}/`);
    expect(passed.output).toMatch(/404 from Sentinel \(request req_/);
    expect(passed.code).toBe(0);
    // A host Sentinel routes but cannot serve: not the proof of routing the check wants.
    const routed = await runCheck(pod, `http://127.0.0.1:${sentinel.port}/`, "app.example");
    expect(routed.code).toBe(1);
    expect(routed.output).toContain("answered 503, not Sentinel's 404 envelope");
    const [closed] = (await findFreePorts(1)) as [number];
    const down = await runCheck(pod, `http://127.0.0.1:${closed}/`);
    expect(down.code).toBe(1);
    expect(down.output).toContain("ECONNREFUSED");
  });

  it("the API check passes on a 200 from the readiness URL, and fails on anything else", async () => {
    const pod = find(manifests, "Pod", "t-test-api");
    // Sentinel's admin /readyz stands in for a ready endpoint: a real server answering 200.
    const ready = await runCheck(pod, `http://127.0.0.1:${sentinel.adminPort}/readyz`);
    expect(ready).toEqual({ code: 0, output: expect.stringContaining(": 200") });
    const notReady = await runCheck(pod, `http://127.0.0.1:${sentinel.port}/readyz`);
    expect(notReady.code).toBe(1);
    expect(notReady.output).toContain("answered 404, not 200");
  });
});
