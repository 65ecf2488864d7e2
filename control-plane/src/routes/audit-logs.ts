import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { cursorSchema } from "../api-schemas/common.js";
import { type ContextFactory, defineListRoute } from "../http/define-route.js";
import { auditLogOrders, listAuditLogs } from "../services/audit-logs.js";

const auditLogSchema = z.object({
  id: z.string(),
  actor: z.object({ type: z.string(), id: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  requestId: z.string().optional(),
  context: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
});

/** Slipway's extension in the SDK's style: who changed what, newest first unless asked otherwise. */
export function auditLogRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineListRoute(app, makeContext, {
    operation: "auditLogs.listAuditLogs",
    summary: "List the workspace's audit log by time, newest first by default",
    permission: { resource: "workspace", action: "read_audit_log", scope: "all" },
    body: z.strictObject({
      limit: z.number().int().min(1).max(100).default(100),
      cursor: cursorSchema,
      targetId: z.string().min(1).max(255).optional(),
      targetType: z.string().min(1).max(64).optional(),
      action: z.string().min(1).max(255).optional(),
      /** By time; a cursor continues in the order of the call that returned it. */
      order: z.enum(auditLogOrders).default("newest"),
    }),
    data: auditLogSchema,
    handler: (ctx, body) => listAuditLogs(ctx, body),
  });
}
