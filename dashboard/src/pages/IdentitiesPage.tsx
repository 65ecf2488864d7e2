import { useMutation, useQueryClient } from "@tanstack/react-query";
import { identitiesCreateIdentity } from "@unkey/api/funcs/identitiesCreateIdentity.js";
import { identitiesDeleteIdentity } from "@unkey/api/funcs/identitiesDeleteIdentity.js";
import { identitiesListIdentities } from "@unkey/api/funcs/identitiesListIdentities.js";
import { identitiesUpdateIdentity } from "@unkey/api/funcs/identitiesUpdateIdentity.js";
import type { Identity } from "@unkey/api/models/components";
import { useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { pageAfter, usePagedList } from "../api/use-paged-list";
import { type IdentityFields, IdentityForm } from "../keys/IdentityForm";
import { KeysSections } from "../keys/KeysSections";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

const identitiesKey = ["identities"] as const;

const describeLimits = (identity: Identity) =>
  (identity.ratelimits ?? [])
    .map((limit) => `${limit.name}: ${limit.limit} / ${limit.duration} ms`)
    .join(", ") || "—";

/** Identities (the owners keys share ratelimits through): list, create, edit, delete. */
export function IdentitiesPage() {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Identity | null>(null);
  const [formKey, setFormKey] = useState(0);
  const refresh = () => queryClient.invalidateQueries({ queryKey: identitiesKey });
  const identities = usePagedList(identitiesKey, (cursor) =>
    unwrapPage(identitiesListIdentities(sdk, pageAfter(cursor))),
  );
  const create = useMutation({
    mutationFn: (fields: IdentityFields) => unwrap(identitiesCreateIdentity(sdk, fields)),
    onSuccess: () => setFormKey((value) => value + 1),
    onSettled: refresh,
  });
  const update = useMutation({
    mutationFn: (fields: IdentityFields & { identity: string }) =>
      unwrap(
        identitiesUpdateIdentity(sdk, {
          identity: fields.identity,
          meta: fields.meta ?? {},
          ratelimits: fields.ratelimits,
        }),
      ),
    onSuccess: () => setEditing(null),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (identity: string) => unwrap(identitiesDeleteIdentity(sdk, { identity })),
    onSettled: refresh,
  });

  return (
    <div className="page">
      <h1>Identities</h1>
      <KeysSections />
      <section aria-labelledby="create-identity-title">
        <h2 id="create-identity-title">Create an identity</h2>
        <IdentityForm
          key={formKey}
          idPrefix="new-identity"
          submitLabel="Create identity"
          pending={create.isPending}
          error={create.error}
          onSubmit={(fields) => create.mutate(fields)}
        />
      </section>
      {editing && (
        <section aria-labelledby="edit-identity-title" className="card">
          <h2 id="edit-identity-title">Edit identity {editing.externalId}</h2>
          <IdentityForm
            key={editing.id}
            idPrefix="edit-identity"
            initial={editing}
            submitLabel="Save identity"
            pending={update.isPending}
            error={update.error}
            onSubmit={(fields) => update.mutate({ ...fields, identity: editing.id })}
          />
          <button type="button" className="secondary" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </section>
      )}
      <h2>All identities</h2>
      <ErrorNote error={identities.query.error ?? remove.error} />
      {identities.query.isPending ? (
        <Skeleton lines={4} label="Loading identities" />
      ) : (
        <IdentitiesTable
          rows={identities.rows}
          onNearEnd={identities.onNearEnd}
          deleting={remove.isPending}
          onEdit={setEditing}
          onDelete={(identity) => remove.mutate(identity.id)}
        />
      )}
    </div>
  );
}

function IdentitiesTable(props: {
  rows: Identity[];
  onNearEnd: (() => void) | undefined;
  deleting: boolean;
  onEdit: (identity: Identity) => void;
  onDelete: (identity: Identity) => void;
}) {
  return (
    <DataTable
      caption="Identities"
      rows={props.rows}
      rowKey={(identity) => identity.id}
      onActivate={props.onEdit}
      onNearEnd={props.onNearEnd}
      empty="No identities yet."
      columns={[
        { header: "External id", cell: (identity) => identity.externalId },
        {
          header: "Identity id",
          cell: (identity) => <span className="mono">{identity.id}</span>,
        },
        { header: "Ratelimits", cell: describeLimits },
        {
          header: "Meta",
          cell: (identity) => (
            <span className="mono">{identity.meta ? JSON.stringify(identity.meta) : "—"}</span>
          ),
        },
        {
          header: "Actions",
          cell: (identity) => (
            <span className="row-actions">
              <button type="button" className="secondary" onClick={() => props.onEdit(identity)}>
                Edit
              </button>
              <ConfirmButton
                label="Delete"
                confirmLabel="Delete identity"
                disabled={props.deleting}
                onConfirm={() => props.onDelete(identity)}
              />
            </span>
          ),
        },
      ]}
    />
  );
}
