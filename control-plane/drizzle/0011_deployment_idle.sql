ALTER TABLE "deployments" DROP CONSTRAINT "deployments_status";--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_status" CHECK (status in ('pending', 'starting', 'building', 'deploying', 'network', 'finalizing', 'ready', 'failed', 'skipped', 'awaiting_approval', 'stopped', 'superseded', 'cancelled', 'idle'));--> statement-breakpoint
-- An idle preview keeps its hostnames so that its first request reaches Sentinel and wakes it.
CREATE OR REPLACE VIEW "gateway_routes" AS
WITH routed AS (
  SELECT 'domain'::text AS kind, d.id AS deployment_id, d.workspace_id, d.environment_id, d.runtime,
    ARRAY(
      SELECT dom.domain FROM domains dom
      WHERE dom.environment_id = d.environment_id AND dom.status = 'verified'
      ORDER BY dom.domain
    ) AS hosts
  FROM apps a
  JOIN deployments d ON d.id = a.current_deployment_id
  UNION ALL
  SELECT 'preview'::text, d.id, d.workspace_id, d.environment_id, d.runtime,
    ARRAY(SELECT jsonb_array_elements_text(d.hostnames))
  FROM deployments d
  WHERE d.status IN ('ready', 'stopped', 'idle') AND d.hostnames <> '[]'::jsonb
)
SELECT r.kind, r.deployment_id, r.workspace_id, r.environment_id, r.hosts,
  coalesce(r.runtime ->> 'upstreamProtocol', 'http1') AS upstream_protocol,
  coalesce((
    SELECT jsonb_agg(p.definition || jsonb_build_object('id', p.id) ORDER BY p.position)
    FROM gateway_policies p WHERE p.environment_id = r.environment_id
  ), '[]'::jsonb) AS policies
FROM routed r
WHERE cardinality(r.hosts) > 0;
--> statement-breakpoint
DROP TRIGGER "deployments_routing_notify" ON "deployments";--> statement-breakpoint
CREATE TRIGGER "deployments_routing_notify" AFTER UPDATE ON "deployments"
  FOR EACH ROW WHEN (
    OLD.hostnames IS DISTINCT FROM NEW.hostnames
    OR OLD.runtime IS DISTINCT FROM NEW.runtime
    OR (OLD.status IN ('ready', 'stopped', 'idle')) IS DISTINCT FROM (NEW.status IN ('ready', 'stopped', 'idle'))
  )
  EXECUTE FUNCTION "notify_gateway_config"();
