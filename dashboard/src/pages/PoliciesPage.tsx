import type { PolicyInput, StoredPolicy } from "@slipway/shared/policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { gatewayListPolicies } from "@unkey/api/funcs/gatewayListPolicies.js";
import { gatewaySetPolicies } from "@unkey/api/funcs/gatewaySetPolicies.js";
import { gatewayUpdatePolicy } from "@unkey/api/funcs/gatewayUpdatePolicy.js";
import type { Policy } from "@unkey/api/models/components";
import { lazy, Suspense, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { PolicyList } from "../policies/PolicyList";
import { draftFromPolicy, emptyDraft } from "../policies/policy-draft";
import { moveItem } from "../policies/policy-order";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

// The editor carries the shared schema and re2js: loaded when it opens, not with the list.
const PolicyEditor = lazy(() =>
  import("../policies/PolicyEditor").then((module) => ({ default: module.PolicyEditor })),
);

type Editing = { mode: "create" } | { mode: "edit"; policy: StoredPolicy } | null;

const withoutId = ({ id: _id, ...policy }: StoredPolicy) => policy as Policy;

/**
 * An environment's Sentinel policies in evaluation order: enable or disable in place, reorder
 * by dragging or with the keyboard, create, edit and delete. A reorder, create or delete sends
 * the whole list (`gateway.setPolicies`, atomic); an edit or toggle changes one policy
 * (`gateway.updatePolicy`). Changes run one at a time, in the order they were made.
 */
export function PoliciesPage() {
  const { project, app, environment } = useParams({
    from: "/app/projects/$project/apps/$app/policies/$environment",
  });
  const scope = { project, app, environment };
  const queryKey = ["policies", project, app, environment];
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [announcement, setAnnouncement] = useState("");
  const mutationScope = { id: `policies:${project}/${app}/${environment}` };

  const policies = useQuery({
    queryKey,
    queryFn: async () =>
      (await unwrap(gatewayListPolicies(sdk, scope))).data as unknown as StoredPolicy[],
  });
  const list = policies.data ?? [];

  // Shown at once, before the change reaches the server: a queued change (the scope runs them
  // one at a time) would otherwise leave a controlled checkbox or the order unchanged meanwhile.
  const changeLocally = (next: StoredPolicy[]) => {
    const before = queryClient.getQueryData<StoredPolicy[]>(queryKey);
    void queryClient.cancelQueries({ queryKey }, { revert: false });
    queryClient.setQueryData(queryKey, next);
    return before;
  };
  const settle = {
    onError: (_error: unknown, change: { before: StoredPolicy[] | undefined }) =>
      queryClient.setQueryData(queryKey, change.before),
    // The last queued change refetches: earlier refetches would undo the later local changes.
    onSettled: () =>
      queryClient.isMutating({ mutationKey: queryKey }) <= 1
        ? queryClient.invalidateQueries({ queryKey })
        : undefined,
  };

  const replaceAll = useMutation({
    mutationKey: queryKey,
    scope: mutationScope,
    mutationFn: ({ next }: { next: StoredPolicy[]; before: StoredPolicy[] | undefined }) =>
      unwrap(gatewaySetPolicies(sdk, { ...scope, policies: next.map(withoutId) })),
    ...settle,
    onSuccess: () => setEditing(null),
  });
  const replace = (next: StoredPolicy[]) =>
    replaceAll.mutate({ next, before: changeLocally(next) });

  const update = useMutation({
    mutationKey: queryKey,
    scope: mutationScope,
    mutationFn: ({
      policy,
      change,
    }: {
      policy: StoredPolicy;
      change: Partial<PolicyInput>;
      before: StoredPolicy[] | undefined;
    }) =>
      unwrap(
        gatewayUpdatePolicy(sdk, {
          ...scope,
          policyId: policy.id,
          ...(change as object),
        } as Parameters<typeof gatewayUpdatePolicy>[1]),
      ),
    ...settle,
    onSuccess: () => setEditing(null),
  });
  const updateOne = (
    policy: StoredPolicy,
    change: Partial<PolicyInput>,
    shown: StoredPolicy = { ...policy, ...change } as StoredPolicy,
  ) => {
    const next = list.map((other) => (other.id === policy.id ? shown : other));
    update.mutate({ policy, change, before: changeLocally(next) });
  };

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

  // An id goes stale when setPolicies replaces the list: one-policy changes wait for the refetch.
  const idsSettled = !replaceAll.isPending && !policies.isFetching;

  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/projects">Projects</Link> /{" "}
        <Link to="/projects/$project" params={{ project }}>
          {project}
        </Link>{" "}
        /{" "}
        <Link to="/projects/$project/apps/$app" params={{ project, app }}>
          {app}
        </Link>{" "}
        / {environment}
      </p>
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
      <ErrorNote error={policies.error ?? (editing ? null : (replaceAll.error ?? update.error))} />
      {policies.isPending ? (
        <Skeleton lines={4} label="Loading policies" />
      ) : (
        <PolicyList
          policies={list}
          idsSettled={idsSettled}
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
            saving={replaceAll.isPending || update.isPending}
            onSave={save}
            onClose={() => setEditing(null)}
            saveError={<ErrorNote error={replaceAll.error ?? update.error} />}
          />
        </Suspense>
      )}
    </div>
  );
}
