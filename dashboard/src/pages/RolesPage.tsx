import { useMutation, useQueryClient } from "@tanstack/react-query";
import { permissionsCreatePermission } from "@unkey/api/funcs/permissionsCreatePermission.js";
import { permissionsCreateRole } from "@unkey/api/funcs/permissionsCreateRole.js";
import { permissionsDeletePermission } from "@unkey/api/funcs/permissionsDeletePermission.js";
import { permissionsDeleteRole } from "@unkey/api/funcs/permissionsDeleteRole.js";
import { permissionsListPermissions } from "@unkey/api/funcs/permissionsListPermissions.js";
import { permissionsListRoles } from "@unkey/api/funcs/permissionsListRoles.js";
import type { Permission } from "@unkey/api/models/components";
import { type FormEvent, useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { pageAfter, usePagedList } from "../api/use-paged-list";
import { KeysSections } from "../keys/KeysSections";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/** Roles and permissions of the workspace: create, list, delete; keys get them in the key editor. */
export function RolesPage() {
  const queryClient = useQueryClient();
  // A role lists its permissions: a change to either refreshes both (and the key editor's choices).
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["roles"] }),
      queryClient.invalidateQueries({ queryKey: ["permissions"] }),
    ]);
  const permissions = usePagedList(["permissions"], (cursor) =>
    unwrapPage(permissionsListPermissions(sdk, pageAfter(cursor))),
  );
  return (
    <div className="page">
      <h1>Roles and permissions</h1>
      <KeysSections />
      <PermissionsSection permissions={permissions} onChanged={refresh} />
      <RolesSection
        permissionSlugs={permissions.rows.map((permission) => permission.slug)}
        onChanged={refresh}
      />
    </div>
  );
}

function PermissionsSection(props: {
  permissions: ReturnType<typeof usePagedList<Permission>>;
  onChanged: () => void;
}) {
  const { permissions, onChanged } = props;
  const removePermission = useMutation({
    mutationFn: (permission: string) => unwrap(permissionsDeletePermission(sdk, { permission })),
    onSettled: onChanged,
  });
  return (
    <section aria-labelledby="permissions-title">
      <h2 id="permissions-title">Permissions</h2>
      <CreatePermission onCreated={onChanged} />
      <ErrorNote error={permissions.query.error ?? removePermission.error} />
      {permissions.query.isPending ? (
        <Skeleton lines={3} label="Loading permissions" />
      ) : (
        <DataTable
          caption="Permissions"
          rows={permissions.rows}
          rowKey={(permission) => permission.id}
          onNearEnd={permissions.onNearEnd}
          empty="No permissions yet."
          columns={[
            {
              header: "Slug",
              cell: (permission) => <span className="mono">{permission.slug}</span>,
            },
            { header: "Name", cell: (permission) => permission.name },
            { header: "Description", cell: (permission) => permission.description ?? "—" },
            {
              header: "Actions",
              cell: (permission) => (
                <ConfirmButton
                  label="Delete"
                  confirmLabel={`Delete ${permission.slug}`}
                  disabled={removePermission.isPending}
                  onConfirm={() => removePermission.mutate(permission.id)}
                />
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function RolesSection(props: { permissionSlugs: string[]; onChanged: () => void }) {
  const roles = usePagedList(["roles"], (cursor) =>
    unwrapPage(permissionsListRoles(sdk, pageAfter(cursor))),
  );
  const removeRole = useMutation({
    mutationFn: (role: string) => unwrap(permissionsDeleteRole(sdk, { role })),
    onSettled: props.onChanged,
  });
  return (
    <section aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <CreateRole permissionSlugs={props.permissionSlugs} onCreated={props.onChanged} />
      <ErrorNote error={roles.query.error ?? removeRole.error} />
      {roles.query.isPending ? (
        <Skeleton lines={3} label="Loading roles" />
      ) : (
        <DataTable
          caption="Roles"
          rows={roles.rows}
          rowKey={(role) => role.id}
          onNearEnd={roles.onNearEnd}
          empty="No roles yet."
          columns={[
            { header: "Role", cell: (role) => role.name },
            {
              header: "Permissions",
              cell: (role) =>
                (role.permissions ?? []).map((permission) => permission.slug).join(", ") || "—",
            },
            { header: "Description", cell: (role) => role.description ?? "—" },
            {
              header: "Actions",
              cell: (role) => (
                <ConfirmButton
                  label="Delete"
                  confirmLabel={`Delete ${role.name}`}
                  disabled={removeRole.isPending}
                  onConfirm={() => removeRole.mutate(role.id)}
                />
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function CreatePermission({ onCreated }: { onCreated: () => void }) {
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        permissionsCreatePermission(sdk, { slug: slug.trim(), name: name.trim() || slug.trim() }),
      ),
    onSuccess: () => {
      setSlug("");
      setName("");
    },
    onSettled: onCreated,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <form className="toolbar" aria-label="Create a permission" onSubmit={submit}>
      <label>
        Permission slug
        <input
          className="mono"
          placeholder="documents.read"
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
        />
      </label>
      <label>
        Permission name (optional)
        <input value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <button type="submit" disabled={!slug.trim() || create.isPending}>
        Create permission
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}

function CreateRole(props: { permissionSlugs: string[]; onCreated: () => void }) {
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      unwrap(permissionsCreateRole(sdk, { name: name.trim(), permissions: chosen })),
    onSuccess: () => {
      setName("");
      setChosen([]);
    },
    onSettled: props.onCreated,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <form className="editor-form" aria-label="Create a role" onSubmit={submit}>
      <label>
        Role name
        <input value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <fieldset className="ratelimit-rows">
        <legend>Permissions of the role</legend>
        {props.permissionSlugs.length === 0 && <p className="muted">Create a permission first.</p>}
        {props.permissionSlugs.map((slug) => (
          <label className="inline" key={slug}>
            <input
              type="checkbox"
              checked={chosen.includes(slug)}
              onChange={(event) =>
                setChosen((current) =>
                  event.target.checked ? [...current, slug] : current.filter((s) => s !== slug),
                )
              }
            />
            <span className="mono">{slug}</span>
          </label>
        ))}
      </fieldset>
      <ErrorNote error={create.error} />
      <div>
        <button type="submit" disabled={!name.trim() || create.isPending}>
          Create role
        </button>
      </div>
    </form>
  );
}
