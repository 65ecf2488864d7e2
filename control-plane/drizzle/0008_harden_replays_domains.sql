CREATE TABLE "github_push_claims" (
	"key" text PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "domains" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "github_deliveries" ADD COLUMN "duplicate_of" text;--> statement-breakpoint
CREATE INDEX "github_push_claims_claimed_at_idx" ON "github_push_claims" USING btree ("claimed_at");--> statement-breakpoint
-- Hand-added: before the index, a hostname verified by several workspaces keeps only its
-- earliest verification; the others fail with a reason and must verify again once it is free.
UPDATE "domains" AS "later" SET "status" = 'failed', "verification_error" = 'This hostname is verified by another workspace; it can be verified here once it is no longer verified there.'
WHERE "later"."status" = 'verified' AND EXISTS (
	SELECT 1 FROM "domains" AS "earlier"
	WHERE "earlier"."domain" = "later"."domain" AND "earlier"."status" = 'verified'
		AND (coalesce("earlier"."updated_at", "earlier"."created_at"), "earlier"."id")
			< (coalesce("later"."updated_at", "later"."created_at"), "later"."id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "domains_verified_domain_unique" ON "domains" USING btree ("domain") WHERE status = 'verified';--> statement-breakpoint
CREATE INDEX "domains_verified_checked_idx" ON "domains" USING btree ("checked_at") WHERE status = 'verified';