import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { apisCreateApi } from "@unkey/api/funcs/apisCreateApi.js";
import { apisGetApi } from "@unkey/api/funcs/apisGetApi.js";
import { apisListKeys } from "@unkey/api/funcs/apisListKeys.js";
import { keysCreateKey } from "@unkey/api/funcs/keysCreateKey.js";
import { keysRerollKey } from "@unkey/api/funcs/keysRerollKey.js";
import { type FormEvent, useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { OneTimeSecret } from "../keys/OneTimeSecret";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/**
 * Keyspaces (Unkey's "APIs") and their keys. The API has no call that lists keyspaces, so one is
 * opened by id or created here; the keys table reads `lastUsedAt` from the list response.
 */
export function KeysPage() {
  const { api } = useSearch({ from: "/app/keys" });
  return (
    <div className="page">
      <h1>Keys</h1>
      <KeyspacePicker current={api} />
      {api ? <KeyspaceKeys apiId={api} /> : <p className="muted">Open or create a keyspace.</p>}
    </div>
  );
}

function KeyspacePicker({ current }: { current?: string }) {
  const navigate = useNavigate();
  const [apiId, setApiId] = useState(current ?? "");
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(apisCreateApi(sdk, { name: name.trim() })),
    onSuccess: (created) => {
      setName("");
      setApiId(created.data.apiId);
      void navigate({ to: "/keys", search: { api: created.data.apiId } });
    },
  });
  function open(event: FormEvent) {
    event.preventDefault();
    void navigate({ to: "/keys", search: { api: apiId.trim() } });
  }
  function createKeyspace(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <div className="toolbar">
      <form className="toolbar" onSubmit={open} aria-label="Open a keyspace">
        <label>
          Keyspace id
          <input
            className="mono"
            value={apiId}
            onChange={(event) => setApiId(event.target.value)}
          />
        </label>
        <button type="submit" className="secondary" disabled={!apiId.trim()}>
          Open
        </button>
      </form>
      <form className="toolbar" onSubmit={createKeyspace} aria-label="Create a keyspace">
        <label>
          New keyspace name
          <input value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" disabled={!name.trim() || create.isPending}>
          Create keyspace
        </button>
      </form>
      <ErrorNote error={create.error} />
    </div>
  );
}

function KeyspaceKeys({ apiId }: { apiId: string }) {
  const queryClient = useQueryClient();
  const keysKey = ["keys", apiId];
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [keyName, setKeyName] = useState("");
  const keyspace = useQuery({
    queryKey: ["keyspace", apiId],
    queryFn: () => unwrap(apisGetApi(sdk, { apiId })),
  });
  const keys = useInfiniteQuery({
    queryKey: keysKey,
    queryFn: ({ pageParam }) =>
      unwrapPage(
        apisListKeys(sdk, { apiId, limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
  });
  const rows = keys.data?.pages.flatMap((page) => page.data) ?? [];
  const create = useMutation({
    mutationFn: () =>
      unwrap(keysCreateKey(sdk, { apiId, ...(keyName.trim() ? { name: keyName.trim() } : {}) })),
    onSuccess: (created) => {
      setKeyName("");
      setSecret({ label: `Key ${created.data.keyId} created.`, value: created.data.key });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keysKey }),
  });
  const reroll = useMutation({
    // expiration 0: the old key stops working at once.
    mutationFn: (keyId: string) => unwrap(keysRerollKey(sdk, { keyId, expiration: 0 })),
    onSuccess: (rerolled) =>
      setSecret({
        label: `Rerolled: the new key is ${rerolled.data.keyId}.`,
        value: rerolled.data.key,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keysKey }),
  });

  return (
    <section aria-label="Keys of the keyspace">
      <h2>{keyspace.data?.data.name ?? apiId}</h2>
      <ErrorNote error={keyspace.error ?? keys.error ?? reroll.error} />
      <form
        className="toolbar"
        aria-label="Create a key"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Key name (optional)
          <input value={keyName} onChange={(event) => setKeyName(event.target.value)} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
        <ErrorNote error={create.error} />
      </form>
      {secret && (
        <OneTimeSecret label={secret.label} secret={secret.value} onDone={() => setSecret(null)} />
      )}
      {keys.isPending ? (
        <Skeleton lines={5} label="Loading keys" />
      ) : (
        <DataTable
          caption="Keys"
          rows={rows}
          rowKey={(key) => key.keyId}
          onNearEnd={keys.hasNextPage ? () => void keys.fetchNextPage() : undefined}
          empty="No keys in this keyspace yet."
          columns={[
            { header: "Key id", cell: (key) => <span className="mono">{key.keyId}</span> },
            { header: "Name", cell: (key) => key.name ?? "—" },
            { header: "Starts with", cell: (key) => <span className="mono">{key.start}</span> },
            { header: "Enabled", cell: (key) => (key.enabled ? "Yes" : "No") },
            {
              header: "Last used",
              cell: (key) => (key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "Never"),
            },
            { header: "Created", cell: (key) => new Date(key.createdAt).toLocaleString() },
            {
              header: "Actions",
              cell: (key) => (
                <button
                  type="button"
                  className="secondary"
                  disabled={reroll.isPending}
                  onClick={() => reroll.mutate(key.keyId)}
                >
                  Reroll
                </button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}
