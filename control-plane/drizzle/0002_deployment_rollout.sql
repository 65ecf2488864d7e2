CREATE TABLE "deployment_logs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deployment_logs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"step" text NOT NULL,
	"stream" text NOT NULL,
	"line" text NOT NULL,
	CONSTRAINT "deployment_logs_stream" CHECK (stream in ('stdout', 'stderr', 'system'))
);
--> statement-breakpoint
CREATE TABLE "pull_request_comments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"installation_id" text NOT NULL,
	"repository" text NOT NULL,
	"pull_request_number" integer NOT NULL,
	"comment_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "github_deployment_id" text;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "source_deployment_id" text;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "hostnames" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "deployment_logs" ADD CONSTRAINT "deployment_logs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_logs" ADD CONSTRAINT "deployment_logs_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pull_request_comments" ADD CONSTRAINT "pull_request_comments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_logs_deployment_seq_unique" ON "deployment_logs" USING btree ("deployment_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "pull_request_comments_unique" ON "pull_request_comments" USING btree ("workspace_id","repository","pull_request_number");