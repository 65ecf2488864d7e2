import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { apisCreateApi } from "@unkey/api/funcs/apisCreateApi.js";
import { type FormEvent, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { slipway } from "../api/slipway";
import { usePagedList } from "../api/use-paged-list";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

const keyspacesKey = ["keyspaces"] as const;

/** The workspace's keyspaces (`apis.listApis`), one opened at a time; create one here. */
export function KeyspaceList({ current }: { current?: string | undefined }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const keyspaces = usePagedList(keyspacesKey, (cursor) => slipway.listApis(cursor));
  const open = (apiId: string) => void navigate({ to: "/keys", search: { api: apiId } });
  const create = useMutation({
    mutationFn: () => unwrap(apisCreateApi(sdk, { name: name.trim() })),
    onSuccess: (created) => {
      setName("");
      open(created.data.apiId);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keyspacesKey }),
  });
  function createKeyspace(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <section aria-labelledby="keyspaces-title">
      <h2 id="keyspaces-title">Keyspaces</h2>
      <form className="toolbar" onSubmit={createKeyspace} aria-label="Create a keyspace">
        <label>
          New keyspace name
          <input value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" disabled={name.trim().length < 3 || create.isPending}>
          Create keyspace
        </button>
        <ErrorNote error={create.error} />
      </form>
      <ErrorNote error={keyspaces.query.error} />
      {keyspaces.query.isPending ? (
        <Skeleton lines={3} label="Loading keyspaces" />
      ) : (
        <DataTable
          caption="Keyspaces"
          rows={keyspaces.rows}
          rowKey={(keyspace) => keyspace.id}
          onActivate={(keyspace) => open(keyspace.id)}
          rowClassName={(keyspace) => (keyspace.id === current ? "row-selected" : undefined)}
          onNearEnd={keyspaces.onNearEnd}
          empty="No keyspaces yet: create one to issue keys."
          columns={[
            {
              header: "Name",
              cell: (keyspace) => (
                <button
                  type="button"
                  className="link"
                  aria-current={keyspace.id === current ? "true" : undefined}
                  onClick={() => open(keyspace.id)}
                >
                  {keyspace.name}
                </button>
              ),
            },
            {
              header: "Keyspace id",
              cell: (keyspace) => <span className="mono">{keyspace.id}</span>,
            },
          ]}
        />
      )}
    </section>
  );
}
