CREATE TABLE "github_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"action" text,
	"installation_id" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "github_installations" (
	"installation_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"account_login" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "github_installation_id" text;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "github_check_run_id" text;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "github_installations" ADD CONSTRAINT "github_installations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "github_deliveries_unprocessed_idx" ON "github_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "github_installations_workspace_idx" ON "github_installations" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_idempotency_key_unique" ON "deployments" USING btree ("idempotency_key");