import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import {
  type Cluster,
  holdRealNodeLock,
  KwokNodeProvider,
  REAL_NODE_LABEL,
  RealNodeProvider,
  readSettings,
  realNodeLockFile,
  startCluster,
} from "@slipway/testbed";
import pg from "pg";
import { startPostgres } from "../../src/local/postgres.js";
import { startRedis } from "../../src/local/redis.js";

/**
 * What `helm install` of Slipway needs around it on the testbed: a cluster whose only node is
 * the real node (containerd, kubelet, CNI bridge), held under the machine's real-node lock,
 * and PostgreSQL and Redis on this host listening on the bridge's gateway address, where pods
 * reach the host (the default path: the chart is given connection URLs in a Secret).
 * Everything stops through `onHarnessTeardown`, the cluster last.
 */
export interface RealNodeCluster {
  cluster: Cluster;
  node: RealNodeProvider;
  /** host:port of the node's registry (plain HTTP), also the host part of image names. */
  registryHost: string;
  /** Runs at teardown, before the cluster stops (last registered, first run). */
  onStop(stop: () => Promise<void>): void;
}

export interface InstallCluster extends RealNodeCluster {
  /** The database and Redis as pods reach them. */
  podDatabaseUrl: string;
  podRedisUrl: string;
  /** The same database from this process (loopback). */
  databaseUrl: string;
}

interface NodeObject {
  spec: { taints?: { key: string; effect: string }[] };
}

const log = (line: string) => console.log(`[install e2e] ${line}`);

/** The cluster alone: its only node the real one, under the real-node lock. */
export async function startRealNodeCluster(): Promise<RealNodeCluster> {
  const settings = readSettings(process.env);
  const lock = await holdRealNodeLock(realNodeLockFile(settings));
  const node = new RealNodeProvider();
  let cluster: Cluster | undefined;
  const stops: Array<() => Promise<void>> = [];
  // Registered first: runs after every closer registered later (they may still need it).
  onHarnessTeardown(async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => log(String(error)));
    await cluster?.stop();
    await lock.release();
  });
  cluster = await startCluster({ settings, log, nodeProviders: [node, new KwokNodeProvider(0)] });
  // The real node is the only node: every pod of the install and of its apps goes there.
  const nodePath = `/api/v1/nodes/${node.nodeName}`;
  const nodeObject = await cluster.client.get<NodeObject>(nodePath);
  nodeObject.spec.taints = (nodeObject.spec.taints ?? []).filter(
    (taint) => taint.key !== REAL_NODE_LABEL,
  );
  await cluster.client.replace(nodePath, nodeObject);
  return {
    cluster,
    node,
    registryHost: new URL(node.registryUrl).host,
    onStop: (stop) => stops.push(stop),
  };
}

/** The cluster and, on this host at the bridge's gateway, PostgreSQL and Redis for its pods. */
export async function startInstallCluster(): Promise<InstallCluster> {
  const base = await startRealNodeCluster();
  const { node, onStop } = base;
  const scratch = await mkdtemp(join(tmpdir(), "slipway-install-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to enter this directory.
  await chmod(scratch, 0o755);
  onStop(() => rm(scratch, { recursive: true, force: true }));
  const subnet = node.subnet;
  const hbaFile = join(scratch, "pg_hba.conf");
  await writeFile(
    hbaFile,
    [
      "local all all trust",
      "host all all 127.0.0.1/32 trust",
      // Only the real node's pods, on the bridge: a throwaway database of this test.
      `host all all ${subnet} trust`,
      "",
    ].join("\n"),
  );
  await chmod(hbaFile, 0o644);
  const postgres = await startPostgres({
    dataDir: join(scratch, "postgres"),
    durable: false,
    settings: [`listen_addresses=127.0.0.1,${node.gateway}`, `hba_file=${hbaFile}`],
  });
  onStop(postgres.stop);
  const redis = await startRedis({
    dataDir: join(scratch, "redis"),
    durable: false,
    extraBindAddresses: [node.gateway],
  });
  onStop(redis.stop);
  const admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  await admin.query("create database slipway");
  await admin.end();
  return {
    ...base,
    podDatabaseUrl: `postgres://postgres@${node.gateway}:${postgres.port}/slipway`,
    podRedisUrl: `redis://${node.gateway}:${redis.port}`,
    databaseUrl: `postgres://postgres@127.0.0.1:${postgres.port}/slipway`,
  };
}
