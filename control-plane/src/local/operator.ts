import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { type ChildService, startChildService, waitForService } from "./child-service.js";
import { REPO_ROOT, tsEntryArgs } from "./repo-paths.js";
import { operatorEnv } from "./service-env.js";

export interface LocalOperator {
  service: ChildService;
  /** Its /metrics and /healthz. */
  metricsUrl: string;
}

/** The operator as its own process (operator/src/main.ts), installing the CRDs at start. */
export async function startLocalOperator(input: {
  kubeconfig: string;
  appsNamespace: string;
  logDir: string;
  /** Called as soon as the process exists, before it is ready, so a Ctrl-C can stop it. */
  onSpawned(service: ChildService): void;
}): Promise<LocalOperator> {
  const metricsPort = await findFreePort();
  const env = operatorEnv(process.env, {
    kubeconfig: input.kubeconfig,
    metricsPort,
    appsNamespace: input.appsNamespace,
  });
  const service = startChildService(
    "operator",
    process.execPath,
    tsEntryArgs(join(REPO_ROOT, "operator/src/main.ts")),
    join(input.logDir, "operator.log"),
    env,
    REPO_ROOT,
  );
  input.onSpawned(service);
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  await waitForService(service, async () => (await fetch(`${metricsUrl}/healthz`)).ok, 60_000);
  return { service, metricsUrl };
}
