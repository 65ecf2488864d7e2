import { callOperation, callOperationEnvelope, type ListPage } from "./http";

/**
 * Slipway's extensions, typed by hand after control-plane/src/api-schemas. Deployments are read
 * here rather than through the SDK: its parser drops Slipway's `skipReason` and `idle`.
 */
export interface Deployment {
  id: string;
  status: string;
  idle?: true;
  isCurrent: boolean;
  environment: string;
  app: string;
  project: string;
  /** `authorHandle` and `commitMessage` are Slipway's extension fields of the SDK's DeploymentGit. */
  git?: { commitSha: string; branch?: string; authorHandle?: string; commitMessage?: string };
  docker?: { image: string };
  availableActions: Array<"promote" | "rollback" | "stop" | "start">;
  regions: string[];
  error?: { code: string; step: string; message: string };
  domains?: string[];
  skipReason?: string;
  createdAt: number;
  updatedAt?: number;
}

export interface DeploymentLogLine {
  seq: number;
  timestamp: number;
  step: string;
  stream: "stdout" | "stderr" | "system";
  message: string;
}

export interface RequestLog {
  id: string;
  time: number;
  requestId: string;
  deploymentId?: string;
  environmentId?: string;
  host: string;
  method: string;
  path: string;
  query?: string;
  status: number;
  totalLatencyMs: number;
  upstreamLatencyMs?: number;
  sentinelLatencyMs?: number;
  region?: string;
  instance?: string;
  outcome?: string;
  policyId?: string;
  policyName?: string;
  clientIp?: string;
  userAgent?: string;
  /** Only with `includePayloads`, and only what a logging policy captured (redacted). */
  requestHeaders?: Record<string, string[]>;
  responseHeaders?: Record<string, string[]>;
  requestBody?: string;
  requestBodyTruncated?: boolean;
  responseBody?: string;
  responseBodyTruncated?: boolean;
}

export type StatusClass = "1xx" | "2xx" | "3xx" | "4xx" | "5xx";

export interface RequestLogStats {
  since: number;
  until: number;
  bucketMs: number;
  /** Only buckets and classes that saw requests. */
  buckets: Array<{
    start: number;
    statusClass: StatusClass;
    count: number;
    p50LatencyMs: number;
    p99LatencyMs: number;
  }>;
}

export interface RequestLogFilters {
  status?: Array<number | string>;
  methods?: string[];
  hosts?: string[];
  pathPrefix?: string;
  regions?: string[];
  instances?: string[];
  deploymentId?: string;
  requestIds?: string[];
  since?: number;
  until?: number;
}

export interface AuditLogEntry {
  id: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string };
  requestId?: string;
  context: Record<string, unknown>;
  createdAt: number;
}

/** A keyspace (the SDK's "API"), as `apis.listApis` lists it. */
export interface Keyspace {
  id: string;
  name: string;
}

export const slipway = {
  listApis: (cursor?: string) =>
    callOperationEnvelope<ListPage<Keyspace>>("apis.listApis", {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    }),
  listDeployments: (body: {
    project?: string;
    app?: string;
    environment?: string;
    cursor?: string;
    limit?: number;
  }) => callOperationEnvelope<ListPage<Deployment>>("deployments.listDeployments", body),
  getDeployment: (deploymentId: string) =>
    callOperation<Deployment>("deployments.getDeployment", { deploymentId }),
  getDeploymentLogs: (deploymentId: string, cursor?: string) =>
    callOperationEnvelope<ListPage<DeploymentLogLine>>("deployments.getDeploymentLogs", {
      deploymentId,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    }),
  approveDeployment: (deploymentId: string) =>
    callOperation<object>("deployments.approveDeployment", { deploymentId }),
  cancelDeployment: (deploymentId: string) =>
    callOperation<object>("deployments.cancelDeployment", { deploymentId }),
  listRequestLogs: (filters: RequestLogFilters, cursor?: string) =>
    callOperationEnvelope<ListPage<RequestLog>>("requestLogs.listRequestLogs", {
      ...filters,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    }),
  /**
   * One request with its captured headers and bodies: looked up by its request id inside the
   * millisecond it was logged (the window keeps the read on one partition's index).
   */
  getRequestLogDetail: async (log: RequestLog) => {
    const page = await callOperationEnvelope<ListPage<RequestLog>>("requestLogs.listRequestLogs", {
      requestIds: [log.requestId],
      since: log.time,
      until: log.time + 1,
      includePayloads: true,
      limit: 10,
    });
    return page.data.find((other) => other.id === log.id) ?? null;
  },
  getRequestLogStats: (filters: RequestLogFilters) =>
    callOperation<RequestLogStats>("requestLogs.getRequestLogStats", filters),
  listAuditLogs: (body: {
    action?: string;
    targetType?: string;
    targetId?: string;
    order?: "newest" | "oldest";
    cursor?: string;
  }) =>
    callOperationEnvelope<ListPage<AuditLogEntry>>("auditLogs.listAuditLogs", {
      limit: 100,
      ...body,
    }),
};
