CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"keyspace_id" text NOT NULL,
	"hash" text NOT NULL,
	"start" text NOT NULL,
	"name" text,
	"meta" jsonb,
	"identity_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"expires_at" timestamp with time zone,
	"credits_remaining" bigint,
	"credits_version" bigint DEFAULT 0 NOT NULL,
	"refill_interval" text,
	"refill_amount" bigint,
	"refill_day" integer,
	"last_refill_at" timestamp with time zone,
	"sealed_key" "bytea",
	"sealed_key_iv" "bytea",
	"sealed_key_auth_tag" "bytea",
	"sealed_key_wrapped_data_key" "bytea",
	"sealed_key_version" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "api_keys_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "api_keys_credits_not_negative" CHECK (credits_remaining >= 0),
	CONSTRAINT "api_keys_refill_needs_credits" CHECK (refill_interval is null or (credits_remaining is not null and refill_amount is not null and refill_amount >= 0)),
	CONSTRAINT "api_keys_refill_day" CHECK (coalesce(refill_interval = 'monthly', false) = (refill_day is not null) and (refill_day is null or refill_day between 1 and 31)),
	CONSTRAINT "api_keys_refill_interval" CHECK (refill_interval in ('daily', 'monthly')),
	CONSTRAINT "api_keys_expires_bound" CHECK (expires_at <= '2100-01-01T00:00:00Z'),
	CONSTRAINT "api_keys_sealed_all_or_none" CHECK (num_nulls(sealed_key, sealed_key_iv, sealed_key_auth_tag, sealed_key_wrapped_data_key, sealed_key_version) in (0, 5))
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"external_id" text NOT NULL,
	"meta" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "identities_workspace_external_id_unique" UNIQUE("workspace_id","external_id"),
	CONSTRAINT "identities_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "identities_external_id_length" CHECK (char_length(external_id) between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "key_permissions" (
	"workspace_id" text NOT NULL,
	"key_id" text NOT NULL,
	"permission_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "key_permissions_pk" PRIMARY KEY("key_id","permission_id")
);
--> statement-breakpoint
CREATE TABLE "key_ratelimits" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"key_id" text,
	"identity_id" text,
	"name" text NOT NULL,
	"limit" bigint NOT NULL,
	"duration" bigint NOT NULL,
	"auto_apply" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "key_ratelimits_one_owner" CHECK (num_nonnulls(key_id, identity_id) = 1),
	CONSTRAINT "key_ratelimits_limit" CHECK ("limit" >= 0),
	CONSTRAINT "key_ratelimits_duration" CHECK (duration between 1000 and 2592000000),
	CONSTRAINT "key_ratelimits_name_length" CHECK (char_length(name) between 1 and 128)
);
--> statement-breakpoint
CREATE TABLE "key_roles" (
	"workspace_id" text NOT NULL,
	"key_id" text NOT NULL,
	"role_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "key_roles_pk" PRIMARY KEY("key_id","role_id")
);
--> statement-breakpoint
CREATE TABLE "keyspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"recoverable_keys" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "keyspaces_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "keyspaces_name_length" CHECK (char_length(name) between 3 and 255)
);
--> statement-breakpoint
CREATE TABLE "permissions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "permissions_workspace_slug_unique" UNIQUE("workspace_id","slug"),
	CONSTRAINT "permissions_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "permissions_slug_pattern" CHECK (slug ~ '^[a-zA-Z0-9_:\-\.\*]+$' and char_length(slug) <= 512),
	CONSTRAINT "permissions_name_length" CHECK (char_length(name) between 1 and 512)
);
--> statement-breakpoint
CREATE TABLE "ratelimit_namespaces" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "ratelimit_namespaces_workspace_name_unique" UNIQUE("workspace_id","name"),
	CONSTRAINT "ratelimit_namespaces_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "ratelimit_namespaces_name_length" CHECK (char_length(name) between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "ratelimit_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"namespace_id" text NOT NULL,
	"identifier" text NOT NULL,
	"limit" bigint NOT NULL,
	"duration" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "ratelimit_overrides_namespace_identifier_unique" UNIQUE("namespace_id","identifier"),
	CONSTRAINT "ratelimit_overrides_identifier_length" CHECK (char_length(identifier) between 1 and 255),
	CONSTRAINT "ratelimit_overrides_limit" CHECK ("limit" >= 0),
	CONSTRAINT "ratelimit_overrides_duration" CHECK (duration between 1000 and 2592000000)
);
--> statement-breakpoint
CREATE TABLE "role_permissions" (
	"workspace_id" text NOT NULL,
	"role_id" text NOT NULL,
	"permission_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "role_permissions_pk" PRIMARY KEY("role_id","permission_id")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "roles_workspace_name_unique" UNIQUE("workspace_id","name"),
	CONSTRAINT "roles_workspace_id_unique" UNIQUE("workspace_id","id"),
	CONSTRAINT "roles_name_length" CHECK (char_length(name) between 1 and 512)
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_keyspace_fk" FOREIGN KEY ("workspace_id","keyspace_id") REFERENCES "public"."keyspaces"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_identity_fk" FOREIGN KEY ("workspace_id","identity_id") REFERENCES "public"."identities"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_permissions" ADD CONSTRAINT "key_permissions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_permissions" ADD CONSTRAINT "key_permissions_key_fk" FOREIGN KEY ("workspace_id","key_id") REFERENCES "public"."api_keys"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_permissions" ADD CONSTRAINT "key_permissions_permission_fk" FOREIGN KEY ("workspace_id","permission_id") REFERENCES "public"."permissions"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_ratelimits" ADD CONSTRAINT "key_ratelimits_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_ratelimits" ADD CONSTRAINT "key_ratelimits_key_fk" FOREIGN KEY ("workspace_id","key_id") REFERENCES "public"."api_keys"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_ratelimits" ADD CONSTRAINT "key_ratelimits_identity_fk" FOREIGN KEY ("workspace_id","identity_id") REFERENCES "public"."identities"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_roles" ADD CONSTRAINT "key_roles_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_roles" ADD CONSTRAINT "key_roles_key_fk" FOREIGN KEY ("workspace_id","key_id") REFERENCES "public"."api_keys"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_roles" ADD CONSTRAINT "key_roles_role_fk" FOREIGN KEY ("workspace_id","role_id") REFERENCES "public"."roles"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "keyspaces" ADD CONSTRAINT "keyspaces_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "permissions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratelimit_namespaces" ADD CONSTRAINT "ratelimit_namespaces_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratelimit_overrides" ADD CONSTRAINT "ratelimit_overrides_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratelimit_overrides" ADD CONSTRAINT "ratelimit_overrides_namespace_fk" FOREIGN KEY ("workspace_id","namespace_id") REFERENCES "public"."ratelimit_namespaces"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_role_fk" FOREIGN KEY ("workspace_id","role_id") REFERENCES "public"."roles"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_permission_fk" FOREIGN KEY ("workspace_id","permission_id") REFERENCES "public"."permissions"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_unique" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_keyspace_idx" ON "api_keys" USING btree ("keyspace_id","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "api_keys_identity_idx" ON "api_keys" USING btree ("identity_id") WHERE identity_id is not null;--> statement-breakpoint
CREATE INDEX "key_permissions_permission_idx" ON "key_permissions" USING btree ("permission_id");--> statement-breakpoint
CREATE UNIQUE INDEX "key_ratelimits_key_name_unique" ON "key_ratelimits" USING btree ("key_id","name") WHERE key_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "key_ratelimits_identity_name_unique" ON "key_ratelimits" USING btree ("identity_id","name") WHERE identity_id is not null;--> statement-breakpoint
CREATE INDEX "key_roles_role_idx" ON "key_roles" USING btree ("role_id");