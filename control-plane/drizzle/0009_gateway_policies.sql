CREATE TABLE "gateway_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"environment_id" text NOT NULL,
	"position" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "gateway_policies_position" CHECK (position >= 0 and position < 50),
	CONSTRAINT "gateway_policies_definition_object" CHECK (jsonb_typeof(definition) = 'object')
);
--> statement-breakpoint
ALTER TABLE "gateway_policies" ADD CONSTRAINT "gateway_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_policies" ADD CONSTRAINT "gateway_policies_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gateway_policies_environment_position_unique" ON "gateway_policies" USING btree ("environment_id","position");--> statement-breakpoint
CREATE INDEX "gateway_policies_workspace_idx" ON "gateway_policies" USING btree ("workspace_id");--> statement-breakpoint
-- What Sentinel routes by, one row per deployment that answers some hostnames (issue 14). The
-- control plane owns these tables; Sentinel reads only this view, so it needs no control-plane
-- code and a schema change that keeps the view's columns keeps Sentinel working.
--   kind 'domain':  the app's current deployment answers its environment's verified domains
--                   (exactly the domains the API shows on that deployment);
--   kind 'preview': a ready or stopped deployment answers its own per-branch and per-deployment
--                   hostnames (set by completeRollout; a stopped one keeps them for when it wakes).
-- policies: the deployment's environment's gateway policies in evaluation order, each with its id.
CREATE VIEW "gateway_routes" AS
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
  WHERE d.status IN ('ready', 'stopped') AND d.hostnames <> '[]'::jsonb
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
-- One owner for "Sentinel's config changed": the database itself. Every writer (API, worker,
-- a manual fix in psql) notifies by committing; NOTIFY is delivered only on commit and
-- duplicates inside one transaction are folded into one.
CREATE FUNCTION "notify_gateway_config"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('slipway_gateway_config', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "gateway_policies_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "gateway_policies"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_gateway_config"();
--> statement-breakpoint
CREATE TRIGGER "domains_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "domains"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_gateway_config"();
--> statement-breakpoint
CREATE TRIGGER "apps_current_deployment_notify" AFTER UPDATE ON "apps"
  FOR EACH ROW WHEN (OLD.current_deployment_id IS DISTINCT FROM NEW.current_deployment_id)
  EXECUTE FUNCTION "notify_gateway_config"();
--> statement-breakpoint
CREATE TRIGGER "apps_delete_notify" AFTER DELETE ON "apps"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_gateway_config"();
--> statement-breakpoint
-- Deployments change status many times while they build; only what moves traffic notifies.
CREATE TRIGGER "deployments_routing_notify" AFTER UPDATE ON "deployments"
  FOR EACH ROW WHEN (
    OLD.hostnames IS DISTINCT FROM NEW.hostnames
    OR OLD.runtime IS DISTINCT FROM NEW.runtime
    OR (OLD.status IN ('ready', 'stopped')) IS DISTINCT FROM (NEW.status IN ('ready', 'stopped'))
  )
  EXECUTE FUNCTION "notify_gateway_config"();
--> statement-breakpoint
CREATE TRIGGER "deployments_delete_notify" AFTER DELETE ON "deployments"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_gateway_config"();
