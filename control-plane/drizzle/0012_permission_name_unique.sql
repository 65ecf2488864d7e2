-- Permission names become unique per workspace, as slugs already are. Rows written before this
-- migration may share a name (two concurrent createPermission calls could both succeed): every
-- such row but the oldest gets its id appended, "<name> (<id>)", so the index can be built and
-- no permission, grant or slug changes. Ids are unique, so the new names are too.
UPDATE "permissions" AS p
SET "name" = left(p."name", 480) || ' (' || p."id" || ')'
WHERE EXISTS (
	SELECT 1 FROM "permissions" AS older
	WHERE older."workspace_id" = p."workspace_id"
		AND older."name" = p."name"
		AND older."id" < p."id"
);--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "permissions_workspace_name_unique" UNIQUE("workspace_id","name");
