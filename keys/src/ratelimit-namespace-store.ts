import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { LoadedNamespace } from "./ratelimit-namespace-cache.js";
import { compileOverrides, type RatelimitOverrideRule } from "./ratelimit-override.js";

interface NamespaceRow extends Record<string, unknown> {
  id: string;
  workspace_id: string;
  name: string;
  overrides: RatelimitOverrideRule[];
}

/** Reads of ratelimit namespaces for `ratelimit.limit`; any drizzle database with the tables. */
// biome-ignore lint/suspicious/noExplicitAny: any drizzle schema; only raw SQL runs here.
export function createNamespaceStore(db: NodePgDatabase<any>) {
  return {
    /**
     * One round trip: the namespace of the workspace whose id or name is `ref` (an id wins over
     * another namespace's name), with all its overrides compiled.
     */
    async load(workspaceId: string, ref: string): Promise<LoadedNamespace | undefined> {
      const result = await db.execute<NamespaceRow>(sql`
        select n.id, n.workspace_id, n.name,
          coalesce((
            select json_agg(json_build_object('id', o.id, 'identifier', o.identifier,
              'limit', o."limit", 'duration', o.duration))
            from ratelimit_overrides o where o.namespace_id = n.id
          ), '[]'::json) as overrides
        from ratelimit_namespaces n
        where n.workspace_id = ${workspaceId} and (n.id = ${ref} or n.name = ${ref})
        order by (n.id = ${ref}) desc
        limit 1`);
      const row = result.rows[0];
      if (!row) return undefined;
      return {
        id: row.id,
        workspaceId: row.workspace_id,
        name: row.name,
        overrides: compileOverrides(
          row.overrides.map((rule) => ({
            ...rule,
            limit: Number(rule.limit),
            duration: Number(rule.duration),
          })),
        ),
      };
    },
  };
}

export type NamespaceStore = ReturnType<typeof createNamespaceStore>;
