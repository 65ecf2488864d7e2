import { useQuery } from "@tanstack/react-query";
import { apisGetApi } from "@unkey/api/funcs/apisGetApi.js";
import { apisListKeys } from "@unkey/api/funcs/apisListKeys.js";
import type { KeyResponseData } from "@unkey/api/models/components";
import { useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { pageAfter, usePagedList } from "../api/use-paged-list";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";
import { KeyEditor } from "./KeyEditor";
import { KeysTable } from "./KeysTable";
import { OneTimeSecret } from "./OneTimeSecret";
import { keysQueryKey, useKeyActions } from "./use-key-actions";

/** One keyspace: create a key, the keys table, and the editor of the key being edited. */
export function KeyspaceKeys({ apiId }: { apiId: string }) {
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [keyName, setKeyName] = useState("");
  const [editingId, setEditingId] = useState<string | null>(null);
  const keyspace = useQuery({
    queryKey: ["keyspace", apiId],
    queryFn: () => unwrap(apisGetApi(sdk, { apiId })),
  });
  const keys = usePagedList(keysQueryKey(apiId), (cursor) =>
    unwrapPage(apisListKeys(sdk, { apiId, ...pageAfter(cursor) })),
  );
  const actions = useKeyActions(apiId, setSecret);
  const rows: KeyResponseData[] = keys.rows;
  const editing = rows.find((key) => key.keyId === editingId);
  const rowError =
    actions.reroll.error ?? actions.setEnabled.error ?? actions.remove.error ?? keys.query.error;

  if (keyspace.error) {
    // A keyspace that is not there (or not this workspace's) has no keys to list or create:
    // one message, not the same refusal again from the keys query.
    return (
      <section aria-label="Keys of the keyspace">
        <h2>{apiId}</h2>
        <ErrorNote error={keyspace.error} />
      </section>
    );
  }
  return (
    <section aria-label="Keys of the keyspace">
      <h2>{keyspace.data?.data.name ?? apiId}</h2>
      <form
        className="toolbar"
        aria-label="Create a key"
        onSubmit={(event) => {
          event.preventDefault();
          actions.create.mutate(keyName, { onSuccess: () => setKeyName("") });
        }}
      >
        <label>
          Key name (optional)
          <input value={keyName} onChange={(event) => setKeyName(event.target.value)} />
        </label>
        <button type="submit" disabled={actions.create.isPending}>
          Create key
        </button>
        <ErrorNote error={actions.create.error} />
      </form>
      {secret && (
        <OneTimeSecret label={secret.label} secret={secret.value} onDone={() => setSecret(null)} />
      )}
      <ErrorNote error={rowError} />
      {keys.query.isPending ? (
        <Skeleton lines={5} label="Loading keys" />
      ) : (
        <KeysTable
          rows={rows}
          onNearEnd={keys.onNearEnd}
          pending={actions.reroll.isPending || actions.setEnabled.isPending}
          onEdit={(key) => setEditingId(key.keyId)}
          onSetEnabled={(key, enabled) => actions.setEnabled.mutate({ keyId: key.keyId, enabled })}
          onReroll={(key) => actions.reroll.mutate(key.keyId)}
          onDelete={(key) => actions.remove.mutate(key.keyId)}
        />
      )}
      {editing && (
        <KeyEditor
          key={editing.keyId}
          apiKey={editing}
          onClose={() => setEditingId(null)}
          onChanged={() => void actions.refresh()}
        />
      )}
    </section>
  );
}
