import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { findFreePort } from "@slipway/shared/free-ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freshNamespace, sampleDeployment, testClient } from "./helpers.js";

const operatorDir = fileURLToPath(new URL("..", import.meta.url));
const kube = testClient();
let ns: string;
const children: ChildProcess[] = [];

interface Replica {
  child: ChildProcess;
  port: number;
  output: () => string;
}

function startReplica(env: Record<string, string>, port = 0): Replica {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: operatorDir,
    env: { ...process.env, SLIPWAY_METRICS_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return { child, port, output: () => output };
}

async function isLeader(replica: Replica): Promise<boolean | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
    return /^slipway_operator_is_leader 1$/m.test(text);
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  ns = await freshNamespace(kube, "main");
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("the operator process (npm start)", () => {
  it("stops at boot with a message naming a bad variable", async () => {
    const replica = startReplica({ SLIPWAY_DISK_MODE: "floppy" });
    const [code] = await once(replica.child, "exit");
    expect(code).toBe(2);
    expect(replica.output()).toContain("SLIPWAY_DISK_MODE");
  });

  it("runs two replicas with one leader, which reconciles; the standby takes over on SIGTERM", async () => {
    const env = (name: string) => ({
      POD_NAME: name,
      SLIPWAY_WATCH_NAMESPACE: ns,
      SLIPWAY_OPERATOR_NAMESPACE: ns,
      SLIPWAY_INSTALL_CRDS: "true",
      SLIPWAY_LEASE_DURATION_SECONDS: "4",
      SLIPWAY_LEASE_RENEW_MS: "300",
    });
    const a = startReplica(env("replica-a"), await findFreePort());
    const b = startReplica(env("replica-b"), await findFreePort());
    const leader = await eventually("one leader", async () => {
      const [la, lb] = await Promise.all([isLeader(a), isLeader(b)]);
      if (la === undefined || lb === undefined) return undefined;
      return la !== lb ? (la ? a : b) : undefined;
    });
    const standby = leader === a ? b : a;

    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("by-process", { regions: [{ name: "us-1" }] }),
    );
    await eventually("by-process Ready", async () => {
      const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "by-process"));
      return cr.status?.phase === "Ready" ? true : undefined;
    });
    expect(await isLeader(standby)).toBe(false);

    leader.child.kill("SIGTERM");
    const [code] = await once(leader.child, "exit");
    expect(code).toBe(0);
    await eventually("the standby to lead", async () =>
      (await isLeader(standby)) ? true : undefined,
    );
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("after-handover", { regions: [{ name: "us-1" }] }),
    );
    await eventually("after-handover Ready", async () => {
      const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, "after-handover"));
      return cr.status?.phase === "Ready" ? true : undefined;
    });
    const logLines = standby
      .output()
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(logLines.some((l) => l.msg === "became leader")).toBe(true);
    standby.child.kill("SIGTERM");
    await once(standby.child, "exit");
  });
});
