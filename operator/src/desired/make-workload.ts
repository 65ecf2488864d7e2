import type { SlipwayDeployment } from "@slipway/shared";
import type { OperatorConfig } from "../config.js";
import {
  CONTAINER_NAME,
  cpuQuantity,
  DATA_PATH,
  deploymentIdOf,
  mebibytes,
  objectLabels,
  objectMeta,
  PORT_NAME,
  REGION_LABEL,
  regionObjectName,
  selectorLabels,
} from "./names.js";

type Region = SlipwayDeployment["spec"]["regions"][number];
export type WorkloadConfig = Pick<OperatorConfig, "diskMode" | "diskStorageClass" | "runAsNonRoot">;

/**
 * The env every instance gets. Listed under `env`, which Kubernetes lets win over `envFrom`,
 * so the user's Secret can never override these.
 */
export function makeInjectedEnv(cr: SlipwayDeployment, region: string) {
  const { spec } = cr;
  const env: { name: string; value?: string; valueFrom?: unknown }[] = [
    { name: "UNKEY_DEPLOYMENT_ID", value: deploymentIdOf(cr.metadata.name) },
    { name: "UNKEY_ENVIRONMENT_SLUG", value: spec.environmentSlug },
    { name: "UNKEY_REGION", value: region },
    { name: "UNKEY_INSTANCE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "UNKEY_GIT_COMMIT_SHA", value: spec.git.commitSha },
    { name: "UNKEY_GIT_BRANCH", value: spec.git.branch },
    { name: "UNKEY_GIT_REPO", value: spec.git.repo },
    { name: "UNKEY_GIT_COMMIT_MESSAGE", value: spec.git.commitMessage },
    { name: "PORT", value: String(spec.port) },
  ];
  if (spec.storageMib > 0) env.push({ name: "UNKEY_EPHEMERAL_DISK_PATH", value: DATA_PATH });
  // An empty value is stored without its `value` key (omitempty); send it the same way so the
  // steady-state comparison matches. The variable is still set, to the empty string.
  return env.map((entry) => (entry.value === "" ? { name: entry.name } : entry));
}

function makeProbe(cr: SlipwayDeployment) {
  const check = cr.spec.healthcheck;
  if (!check) return undefined;
  // httpGet is the only HTTP probe Kubernetes has; a POST healthcheck is probed with GET.
  return {
    httpGet: { path: check.path, port: PORT_NAME, scheme: "HTTP" },
    periodSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    failureThreshold: check.failureThreshold,
    // The apiserver drops a zero here (omitempty), so sending one would never look applied.
    ...(check.initialDelaySeconds > 0 ? { initialDelaySeconds: check.initialDelaySeconds } : {}),
  };
}

function makeDataVolume(cr: SlipwayDeployment, cfg: WorkloadConfig, region: string) {
  const size = mebibytes(cr.spec.storageMib);
  if (cfg.diskMode === "emptyDir") return { name: "data", emptyDir: { sizeLimit: size } };
  return {
    name: "data",
    ephemeral: {
      volumeClaimTemplate: {
        metadata: { labels: objectLabels(cr, region) },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(cfg.diskStorageClass ? { storageClassName: cfg.diskStorageClass } : {}),
          resources: { requests: { storage: size } },
        },
      },
    },
  };
}

/**
 * The apps/v1 Deployment of one region. `spec.replicas` is left to the HPA while running (so
 * the apply never fights it) and set to 0 when idle.
 */
export function makeWorkload(cr: SlipwayDeployment, region: Region, cfg: WorkloadConfig) {
  const { spec } = cr;
  const probe = makeProbe(cr);
  const hasDisk = spec.storageMib > 0;
  const resources = { cpu: cpuQuantity(spec.vCpus), memory: mebibytes(spec.memoryMib) };
  const container = {
    name: CONTAINER_NAME,
    image: spec.image,
    ...(spec.command && spec.command.length > 0 ? { command: spec.command } : {}),
    ports: [{ name: PORT_NAME, containerPort: spec.port, protocol: "TCP" }],
    env: makeInjectedEnv(cr, region.name),
    ...(spec.envSecretRef ? { envFrom: [{ secretRef: { name: spec.envSecretRef.name } }] } : {}),
    resources: { requests: resources, limits: resources },
    ...(probe ? { readinessProbe: probe, livenessProbe: probe } : {}),
    ...(hasDisk ? { volumeMounts: [{ name: "data", mountPath: DATA_PATH }] } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: objectMeta(cr, regionObjectName(cr, region.name), region.name),
    spec: {
      ...(spec.desiredState === "idle" ? { replicas: 0 } : {}),
      selector: { matchLabels: selectorLabels(cr, region.name) },
      revisionHistoryLimit: 2,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: objectLabels(cr, region.name),
          // Kubernetes 1.34 cannot choose the stop signal yet (ContainerStopSignals is alpha);
          // the annotation records the wish for images and tooling that honour it.
          annotations: { "slipway.dev/shutdown-signal": spec.shutdownSignal },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: cfg.runAsNonRoot,
            seccompProfile: { type: "RuntimeDefault" },
          },
          nodeSelector: { [REGION_LABEL]: region.name },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: selectorLabels(cr, region.name) },
            },
          ],
          containers: [container],
          ...(hasDisk ? { volumes: [makeDataVolume(cr, cfg, region.name)] } : {}),
        },
      },
    },
  };
}
