import type { PolicyInput, StoredPolicy } from "@slipway/shared/policy";
import { useParams } from "@tanstack/react-router";
import { lazy, Suspense, useState } from "react";
import { PolicyList } from "../policies/PolicyList";
import { draftFromPolicy, emptyDraft } from "../policies/policy-draft";
import { moveItem } from "../policies/policy-order";
import { usePolicies } from "../policies/use-policies";
import { EnvironmentBreadcrumbs } from "../ui/EnvironmentBreadcrumbs";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

// The editor carries the shared schema and re2js: loaded when it opens, not with the list.
const PolicyEditor = lazy(() =>
  import("../policies/PolicyEditor").then((module) => ({ default: module.PolicyEditor })),
);

type Editing = { mode: "create" } | { mode: "edit"; policy: StoredPolicy } | null;

/**
 * An environment's Sentinel policies in evaluation order: enable or disable in place, reorder
 * by dragging or with the keyboard, create, edit and delete (use-policies.ts talks to the API).
 */
export function PoliciesPage() {
  const { project, app, environment } = useParams({
    from: "/app/projects/$project/apps/$app/policies/$environment",
  });
  const scope = { project, app, environment };
  const [editing, setEditing] = useState<Editing>(null);
  const [announcement, setAnnouncement] = useState("");

  const { policies, list, replace, updateOne, saving, saveError } = usePolicies(scope, () =>
    setEditing(null),
  );

  function move(from: number, to: number) {
    const next = moveItem(list, from, to);
    const moved = list[from];
    if (!moved || next.every((policy, index) => policy === list[index])) return;
    setAnnouncement(
      `Moved ${moved.name} to position ${next.indexOf(moved) + 1} of ${next.length}.`,
    );
    replace(next);
  }

  function save(policy: PolicyInput) {
    if (editing?.mode === "edit") {
      // Every field, so the stored policy becomes exactly what the editor shows; no match: null.
      updateOne(
        editing.policy,
        { ...policy, match: policy.match ?? null } as Partial<PolicyInput>,
        { ...(policy as StoredPolicy), id: editing.policy.id },
      );
    } else {
      replace([...list, { ...(policy as StoredPolicy), id: "pending" }]);
    }
  }

  return (
    <div className="page">
      <EnvironmentBreadcrumbs project={project} app={app} environment={environment} />
      <h1>Sentinel policies · {environment}</h1>
      <p className="muted">
        Sentinel runs the enabled policies top to bottom on every request to this environment; the
        first one that refuses a request answers it.
      </p>
      <div className="toolbar">
        <button
          type="button"
          onClick={() => setEditing({ mode: "create" })}
          disabled={list.length >= 50}
        >
          Add a policy
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <ErrorNote error={policies.error ?? (editing ? null : saveError)} />
      {policies.isPending ? (
        <Skeleton lines={4} label="Loading policies" />
      ) : (
        <PolicyList
          policies={list}
          onMove={move}
          onToggle={(policy, enabled) => updateOne(policy, { enabled })}
          onEdit={(policy) => setEditing({ mode: "edit", policy })}
          onDelete={(policy) => replace(list.filter((other) => other !== policy))}
        />
      )}
      {editing && (
        <Suspense fallback={<Skeleton lines={6} label="Loading the policy editor" />}>
          <PolicyEditor
            title={editing.mode === "edit" ? `Edit policy · ${editing.policy.name}` : "New policy"}
            initial={editing.mode === "edit" ? draftFromPolicy(editing.policy) : emptyDraft()}
            saving={saving}
            onSave={save}
            onClose={() => setEditing(null)}
            saveError={<ErrorNote error={saveError} />}
          />
        </Suspense>
      )}
    </div>
  );
}
