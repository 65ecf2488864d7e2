import type { Policy } from "@slipway/shared/policy";
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";
import { environmentRef } from "./environments.js";
import { workspaceRef } from "./workspaces.js";

/**
 * An environment's gateway policies (the SDK's `gateway.*`), in evaluation order. `definition`
 * is the validated `Policy` exactly as the SDK sent it (name, enabled, match, one rule); the
 * id and the position live in columns so updatePolicy can keep both. Migration 0009 adds the
 * `gateway_routes` view Sentinel reads and the triggers that notify it of every change.
 */
export const gatewayPolicies = pgTable(
  "gateway_policies",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    environmentId: environmentRef(),
    position: integer("position").notNull(),
    definition: jsonb("definition").$type<Policy>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("gateway_policies_environment_position_unique").on(
      table.environmentId,
      table.position,
    ),
    index("gateway_policies_workspace_idx").on(table.workspaceId),
    check("gateway_policies_position", sql`position >= 0 and position < 50`),
    check("gateway_policies_definition_object", sql`jsonb_typeof(definition) = 'object'`),
  ],
);

export type GatewayPolicyRow = typeof gatewayPolicies.$inferSelect;
