import type { KubeApi, KubeClient, RequestRecord } from "@slipway/shared/kube";
import { defaultConfig, type OperatorConfig } from "../src/config.js";
import { type RunningOperator, startOperator } from "../src/operator.js";
import { jsonLogger, silentLogger } from "../src/runtime/logger.js";
import { Metrics } from "../src/runtime/metrics.js";
import { eventually, testClient } from "./helpers.js";

export interface TestOperator {
  operator: RunningOperator;
  metrics: Metrics;
  /** Every request this operator made, in order. */
  requests: RequestRecord[];
  writes(): RequestRecord[];
  stop(): Promise<void>;
}

export const isWrite = (r: RequestRecord) => !["GET", "WATCH"].includes(r.method);

/** An operator in this process, watching only `namespace` so test files stay apart. */
export async function startTestOperator(
  namespace: string,
  overrides: Partial<OperatorConfig> = {},
  options: {
    wrap?: (kube: KubeApi) => KubeApi;
    client?: KubeClient;
    watchTimeoutSeconds?: number;
  } = {},
): Promise<TestOperator> {
  const requests: RequestRecord[] = [];
  const kube = options.client ?? testClient(requests);
  const metrics = new Metrics();
  const operator = startOperator({
    kube: options.wrap ? options.wrap(kube) : kube,
    watchTimeoutSeconds: options.watchTimeoutSeconds,
    config: {
      ...defaultConfig,
      watchNamespace: namespace,
      sentinelNamespace: "slipway-system",
      ...overrides,
    },
    clock: () => new Date(),
    log: process.env.SLIPWAY_TEST_LOG ? jsonLogger("debug") : silentLogger,
    metrics,
  });
  await operator.synced;
  return {
    operator,
    metrics,
    requests,
    writes: () => requests.filter(isWrite),
    async stop() {
      await operator.stop();
      kube.close();
    },
  };
}

/** Waits until the queue has been empty, with nothing in flight, for `quietMs`. */
export async function settled(test: TestOperator, quietMs = 2_000): Promise<void> {
  let lastCount = -1;
  let quietSince = Date.now();
  await eventually("the operator to go quiet", async () => {
    if (test.requests.length !== lastCount || test.operator.queue.depth > 0) {
      lastCount = test.requests.length;
      quietSince = Date.now();
      return undefined;
    }
    return Date.now() - quietSince >= quietMs ? true : undefined;
  });
}
