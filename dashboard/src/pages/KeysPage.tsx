import { useSearch } from "@tanstack/react-router";
import { KeyspaceKeys } from "../keys/KeyspaceKeys";
import { KeyspaceList } from "../keys/KeyspaceList";
import { KeysSections } from "../keys/KeysSections";

/** Keyspaces (Unkey's "APIs", listed by `apis.listApis`) and the keys of the one opened. */
export function KeysPage() {
  const { api } = useSearch({ from: "/app/keys" });
  return (
    <div className="page">
      <h1>Keys</h1>
      <KeysSections />
      <KeyspaceList current={api} />
      {api ? (
        <KeyspaceKeys key={api} apiId={api} />
      ) : (
        <p className="muted">Open or create a keyspace.</p>
      )}
    </div>
  );
}
