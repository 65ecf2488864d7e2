import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { cursorSchema } from "../api-schemas/common.js";
import { type ContextFactory, defineListRoute } from "../http/define-route.js";
import { listAuditLogs } from "../services/audit-logs.js";

const auditLogSchema = z.object({
  id: z.string(),
  actor: z.object({ type: z.string(), id: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  requestId: z.string().optional(),
  context: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});

/** Slipway's extension in the SDK's style: who changed what, newest first. */
export function auditLogRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineListRoute(app, makeContext, {
    operation: "auditLogs.listAuditLogs",
    summary: "List the workspace's audit log, newest first",
    permission: { resource: "workspace", action: "read_audit_log", scope: "all" },
    body: z.strictObject({
      limit: z.number().int().min(1).max(100).default(100),
      cursor: cursorSchema,
      targetId: z.string().min(1).max(255).optional(),
      action: z.string().min(1).max(255).optional(),
    }),
    data: auditLogSchema,
    handler: (ctx, body) => listAuditLogs(ctx, body),
  });
}
