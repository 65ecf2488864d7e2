ALTER TABLE "environments" ADD COLUMN "hostname" text;--> statement-breakpoint
CREATE UNIQUE INDEX "environments_hostname_unique" ON "environments" USING btree ("hostname");--> statement-breakpoint
-- The 'domain' row (the app's current deployment) also answers its environment's stable
-- hostname: promote and rollback move `apps.current_deployment_id`, so they move this name
-- too, and the trigger on that column already tells Sentinel. The name sorts after the
-- verified domains; it is unique across all environments (the index above).
CREATE OR REPLACE VIEW "gateway_routes" AS
WITH routed AS (
  SELECT 'domain'::text AS kind, d.id AS deployment_id, d.workspace_id, d.environment_id, d.runtime,
    ARRAY(
      SELECT dom.domain FROM domains dom
      WHERE dom.environment_id = d.environment_id AND dom.status = 'verified'
      ORDER BY dom.domain
    ) || ARRAY(
      SELECT e.hostname FROM environments e
      WHERE e.id = d.environment_id AND e.hostname IS NOT NULL
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
CREATE TRIGGER "environments_hostname_notify" AFTER UPDATE ON "environments"
  FOR EACH ROW WHEN (OLD.hostname IS DISTINCT FROM NEW.hostname)
  EXECUTE FUNCTION "notify_gateway_config"();
