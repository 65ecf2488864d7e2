import { createHash } from "node:crypto";

type Json = Record<string, unknown>;

const objectOf = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;

/** A repository by its id (stable across renames and transfers), else its full name. */
function repositoryOf(value: unknown): string | undefined {
  const repository = objectOf(value);
  if (typeof repository?.id === "number" || typeof repository?.id === "string")
    return `id:${repository.id}`;
  return typeof repository?.full_name === "string"
    ? `name:${repository.full_name.toLowerCase()}`
    : undefined;
}

const scalar = (value: unknown): string | null =>
  typeof value === "string" || typeof value === "number" ? String(value) : null;

/**
 * Pure: what a delivery's push or pull request event *is*, independent of its delivery id, or
 * undefined for events that deploy nothing. A replay carries the very bytes GitHub signed, so
 * every field matches; a genuinely new push differs in at least one of these:
 * - push: repository, ref, before and after SHAs, and `repository.pushed_at` (the push's own
 *   time). So a branch moved back to an earlier commit (a new `before`) or the same commit
 *   pushed to another branch (another `ref`) is new, and so is A→B pushed again after B→A.
 * - pull_request: base repository, number, action, head SHA and `pull_request.updated_at`,
 *   so closing and reopening a pull request at the same commit is new too.
 * Hashed, so the key has a fixed size whatever the payload holds.
 */
export function pushIdentityOf(event: string, payload: Json): string | undefined {
  let parts: (string | null)[];
  if (event === "push") {
    const repository = repositoryOf(payload.repository);
    if (!repository) return undefined;
    parts = [
      repository,
      scalar(payload.ref),
      scalar(payload.before),
      scalar(payload.after),
      scalar(objectOf(payload.repository)?.pushed_at),
    ];
  } else if (event === "pull_request") {
    const pr = objectOf(payload.pull_request);
    const repository = repositoryOf(objectOf(objectOf(pr?.base)?.repo) ?? payload.repository);
    if (!pr || !repository) return undefined;
    parts = [
      repository,
      scalar(pr.number ?? payload.number),
      scalar(payload.action),
      scalar(objectOf(pr.head)?.sha),
      scalar(pr.updated_at),
    ];
  } else {
    return undefined;
  }
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  return `${event}:${digest}`;
}
