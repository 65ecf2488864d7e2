import { useMutation, useQuery } from "@tanstack/react-query";
import { keysAddPermissions } from "@unkey/api/funcs/keysAddPermissions.js";
import { keysAddRoles } from "@unkey/api/funcs/keysAddRoles.js";
import { keysRemovePermissions } from "@unkey/api/funcs/keysRemovePermissions.js";
import { keysRemoveRoles } from "@unkey/api/funcs/keysRemoveRoles.js";
import { permissionsListPermissions } from "@unkey/api/funcs/permissionsListPermissions.js";
import { permissionsListRoles } from "@unkey/api/funcs/permissionsListRoles.js";
import type { KeyResponseData } from "@unkey/api/models/components";
import { useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { ErrorNote } from "../ui/ErrorNote";

type Grant = "role" | "permission";

/**
 * A key's roles and direct permissions: each add or remove is one call (`keys.addRoles`,
 * `keys.removePermissions`, …) and shows at once; the choices are the workspace's roles and
 * permissions (first 100; the RBAC page manages them).
 */
export function KeyGrants(props: { apiKey: KeyResponseData; onChanged: () => void }) {
  const { apiKey, onChanged } = props;
  const [roles, setRoles] = useState(apiKey.roles ?? []);
  const [permissions, setPermissions] = useState(apiKey.permissions ?? []);
  const roleChoices = useQuery({
    queryKey: ["roles", "choices"],
    queryFn: () => unwrapPage(permissionsListRoles(sdk, { limit: 100 })),
  });
  const permissionChoices = useQuery({
    queryKey: ["permissions", "choices"],
    queryFn: () => unwrapPage(permissionsListPermissions(sdk, { limit: 100 })),
  });
  const change = useMutation({
    mutationFn: async (input: { grant: Grant; name: string; add: boolean }) => {
      const keyId = apiKey.keyId;
      if (input.grant === "role") {
        const call = input.add ? keysAddRoles : keysRemoveRoles;
        return (await unwrap(call(sdk, { keyId, roles: [input.name] }))).data.map((r) => r.name);
      }
      const call = input.add ? keysAddPermissions : keysRemovePermissions;
      const result = await unwrap(call(sdk, { keyId, permissions: [input.name] }));
      return result.data.map((permission) => permission.slug);
    },
    onSuccess: (names, input) => {
      (input.grant === "role" ? setRoles : setPermissions)(names);
      onChanged();
    },
  });
  const roleNames = (roleChoices.data?.data ?? []).map((role) => role.name);
  const permissionSlugs = (permissionChoices.data?.data ?? []).map((permission) => permission.slug);

  return (
    <section aria-labelledby="key-grants-title">
      <h3 id="key-grants-title">Roles and permissions</h3>
      <ErrorNote error={change.error ?? roleChoices.error ?? permissionChoices.error} />
      <GrantList
        grant="role"
        current={roles}
        choices={roleNames}
        pending={change.isPending}
        onChange={(name, add) => change.mutate({ grant: "role", name, add })}
      />
      <GrantList
        grant="permission"
        current={permissions}
        choices={permissionSlugs}
        pending={change.isPending}
        onChange={(name, add) => change.mutate({ grant: "permission", name, add })}
      />
    </section>
  );
}

function GrantList(props: {
  grant: Grant;
  current: string[];
  choices: string[];
  pending: boolean;
  onChange: (name: string, add: boolean) => void;
}) {
  const { grant, current, choices, pending, onChange } = props;
  const [selected, setSelected] = useState("");
  const addable = choices.filter((name) => !current.includes(name));
  const plural = grant === "role" ? "Roles" : "Permissions";
  return (
    <div>
      <h4>{plural}</h4>
      {current.length === 0 ? (
        <p className="muted">No {plural.toLowerCase()}.</p>
      ) : (
        <ul aria-label={`${plural} of the key`}>
          {current.map((name) => (
            <li key={name}>
              <span className="mono">{name}</span>{" "}
              <button
                type="button"
                className="secondary"
                disabled={pending}
                aria-label={`Remove ${grant} ${name}`}
                onClick={() => onChange(name, false)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="toolbar">
        <label>
          Add a {grant}
          <select value={selected} onChange={(event) => setSelected(event.target.value)}>
            <option value="">Choose…</option>
            {addable.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!selected || pending}
          onClick={() => {
            onChange(selected, true);
            setSelected("");
          }}
        >
          Add {grant}
        </button>
      </div>
    </div>
  );
}
