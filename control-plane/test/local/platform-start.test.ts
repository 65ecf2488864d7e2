import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readBuilderSettings } from "@slipway/builder";
import { findFreePorts } from "@slipway/shared/free-ports";
import { KubeClient, readKubeconfigFile } from "@slipway/shared/kube";
import { isPidAlive } from "@slipway/shared/processes";
import { afterAll, describe, expect, it } from "vitest";
import type { ProcessRecord } from "../../src/local/process-record.js";
import { startPlatform, summaryValue } from "./platform-process.js";

const run = promisify(execFile);

/** The testbed's global setup puts its cluster's admin kubeconfig in KUBECONFIG. */
function kubeconfig(): string {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error("the testbed global setup did not set KUBECONFIG");
  return path;
}

function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(/:(?=\d+$)/) as [string, string];
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** host:port of every TCP address in the record (URLs, host:port), not unix sockets. */
function tcpAddresses(record: ProcessRecord): string[] {
  return record.processes.flatMap(({ address }) => {
    const match = address?.match(/^(?:[a-z]+:\/\/)?(?:[^@/]+@)?([\d.]+:\d+)/);
    return match ? [match[1]!] : [];
  });
}

async function api(url: string, operation: string, rootKey: string, body: unknown) {
  const response = await fetch(`${url}/v2/${operation}`, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data: unknown } };
}

describe("npm start with the cluster KUBECONFIG names", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-platform-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function startOnce() {
    const [apiPort, sentinelPort] = await findFreePorts(2);
    const platform = startPlatform({
      KUBECONFIG: kubeconfig(),
      SLIPWAY_DATA_DIR: dataDir,
      PORT: String(apiPort),
      SENTINEL_PORT: String(sentinelPort),
      LOG_LEVEL: "warn",
    });
    const summary = await platform.ready;
    const record = JSON.parse(
      readFileSync(join(dataDir, "processes.json"), "utf8"),
    ) as ProcessRecord;
    return { platform, summary, record, sentinelAddress: `127.0.0.1:${sentinelPort}` };
  }

  async function stopAndCheckNothingRuns(started: Awaited<ReturnType<typeof startOnce>>) {
    const { platform, record, summary } = started;
    const addresses = [
      ...tcpAddresses(record),
      started.sentinelAddress,
      summaryValue(summary, "API:").replace("http://", ""),
    ];
    platform.child.kill("SIGINT");
    expect(await platform.exited).toBe(0);
    // Stopped in the reverse of the start order: nothing loses what it depends on first.
    const stopped = [...platform.output().matchAll(/\] stopping (.+)$/gm)].map((m) => m[1]);
    expect(stopped).toEqual([
      "sentinel",
      "control plane",
      "operator",
      "buildkitd",
      "registry",
      "cluster",
      "redis",
      "postgres",
    ]);
    for (const { name, pid } of record.processes) {
      expect({ name, alive: isPidAlive(pid) }).toEqual({ name, alive: false });
    }
    for (const address of addresses) {
      expect({ address, listening: await accepts(address) }).toEqual({ address, listening: false });
    }
    expect(existsSync(join(dataDir, "processes.json"))).toBe(false);
  }

  it("starts every service, each answers, and Ctrl-C leaves nothing running; a restart keeps the data", async () => {
    const first = await startOnce();
    const apiUrl = summaryValue(first.summary, "API:");
    const rootKey = summaryValue(first.summary, "Root key:");
    expect(rootKey).toMatch(/^\S{20,}$/);
    expect(first.summary).toContain(`http://${first.sentinelAddress}`);
    expect(first.summary).toContain("npx slipway deploy examples/hello");

    // API: ready (database and Redis answer) and the printed root key works.
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
    const created = await api(apiUrl, "projects.createProject", rootKey, {
      name: "Kept",
      slug: "kept",
    });
    expect(created.status).toBe(200);
    // Sentinel: listening and answering HTTP (no route for this host yet).
    const viaSentinel = await fetch(`http://${first.sentinelAddress}/`, {
      headers: { host: "nothing.slipway.localhost" },
    });
    expect(viaSentinel.status).toBeGreaterThanOrEqual(400);
    // Operator: healthy, and it installed the Deployment CRD into the cluster.
    const operatorUrl = summaryValue(first.summary, "Operator:").replace(/\/metrics$/, "");
    expect((await fetch(`${operatorUrl}/healthz`)).status).toBe(200);
    const kube = new KubeClient(readKubeconfigFile(kubeconfig()));
    try {
      const crd = await kube.get<{ metadata: { name: string } }>(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/deployments.slipway.dev",
      );
      expect(crd.metadata.name).toBe("deployments.slipway.dev");
    } finally {
      kube.close();
    }
    // buildkitd: answers buildctl with a worker.
    const buildkit = first.record.processes.find((entry) => entry.name === "buildkitd");
    const { stdout } = await run(readBuilderSettings(process.env).buildctl, [
      "--addr",
      buildkit!.address!,
      "debug",
      "workers",
    ]);
    expect(stdout.trim().split("\n").length).toBeGreaterThan(1);
    // The registry: answers the distribution API.
    const registry = first.record.processes.find((entry) => entry.name === "registry");
    expect((await fetch(`${registry!.address}/v2/`)).status).toBe(200);

    await stopAndCheckNothingRuns(first);

    const second = await startOnce();
    expect(second.summary).not.toContain(rootKey);
    expect(second.summary).toContain("printed on the first start");
    const listed = await api(
      summaryValue(second.summary, "API:"),
      "projects.listProjects",
      rootKey,
      {},
    );
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body.data)).toContain('"slug":"kept"');
    await stopAndCheckNothingRuns(second);
  });
});
