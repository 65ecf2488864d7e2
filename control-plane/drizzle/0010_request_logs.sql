CREATE TABLE "request_logs" (
	"id" bigserial NOT NULL,
	"time" timestamp (3) with time zone NOT NULL,
	"workspace_id" text,
	"project_id" text,
	"app_id" text,
	"environment_id" text,
	"deployment_id" text,
	"request_id" text NOT NULL,
	"host" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"query" text,
	"status" smallint NOT NULL,
	"total_latency_ms" double precision NOT NULL,
	"upstream_latency_ms" double precision NOT NULL,
	"sentinel_latency_ms" double precision NOT NULL,
	"region" text NOT NULL,
	"instance" text,
	"outcome" text NOT NULL,
	"policy_id" text,
	"policy_name" text,
	"client_ip" text NOT NULL,
	"user_agent" text,
	"request_headers" jsonb,
	"response_headers" jsonb,
	"request_body" text,
	"request_body_truncated" boolean,
	"response_body" text,
	"response_body_truncated" boolean,
	CONSTRAINT "request_logs_outcome" CHECK (outcome in ('allowed', 'denied', 'error')),
	CONSTRAINT "request_logs_status" CHECK (status between 100 and 599)
) PARTITION BY RANGE ("time");
-- Hand-edited: drizzle-kit cannot declare partitioning. One partition per UTC day, created
-- ahead and dropped past retention by @slipway/request-logs' partition maintenance.
--> statement-breakpoint
CREATE INDEX "request_logs_workspace_time_idx" ON "request_logs" USING btree ("workspace_id","time","id");--> statement-breakpoint
CREATE INDEX "request_logs_environment_time_idx" ON "request_logs" USING btree ("environment_id","time","id");--> statement-breakpoint
CREATE INDEX "request_logs_deployment_time_idx" ON "request_logs" USING btree ("deployment_id","time","id");