import type { KeyResponseData } from "@unkey/api/models/components";
import { useState } from "react";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import type { SortState } from "../ui/sort-rows";
import { keyStatus } from "./key-status";

interface RowActions {
  pending: boolean;
  onEdit: (key: KeyResponseData) => void;
  onSetEnabled: (key: KeyResponseData, enabled: boolean) => void;
  onReroll: (key: KeyResponseData) => void;
  onDelete: (key: KeyResponseData) => void;
}

const when = (epochMs: number | undefined, otherwise: string) =>
  epochMs ? new Date(epochMs).toLocaleString() : otherwise;

/**
 * Keys of one keyspace, sortable by clicking a header (among the pages loaded; more load as
 * the table scrolls), driven by the keyboard (arrows, Home/End; Enter opens the editor). Last
 * used comes from the list response: no request per row.
 */
export function KeysTable(
  props: {
    rows: KeyResponseData[];
    onNearEnd?: (() => void) | undefined;
  } & RowActions,
) {
  const [sort, setSort] = useState<SortState | null>(null);
  const now = Date.now();
  return (
    <DataTable
      caption="Keys"
      rows={props.rows}
      rowKey={(key) => key.keyId}
      onNearEnd={props.onNearEnd}
      onActivate={props.onEdit}
      sort={sort}
      onSortChange={setSort}
      empty="No keys in this keyspace yet."
      columns={[
        {
          header: "Name",
          cell: (key) => key.name ?? "—",
          sortValue: (key) => key.name,
        },
        { header: "Key id", cell: (key) => <span className="mono">{key.keyId}</span> },
        { header: "Start", cell: (key) => <span className="mono">{key.start}</span> },
        {
          header: "Identity",
          cell: (key) => key.identity?.externalId ?? "—",
          sortValue: (key) => key.identity?.externalId,
        },
        {
          header: "Status",
          cell: (key) => keyStatus(key, now),
          sortValue: (key) => keyStatus(key, now),
        },
        {
          header: "Credits",
          cell: (key) =>
            key.credits?.remaining === null || !key.credits ? "Unlimited" : key.credits.remaining,
          sortValue: (key) => key.credits?.remaining ?? undefined,
        },
        {
          header: "Last used",
          cell: (key) => when(key.lastUsedAt, "Never"),
          sortValue: (key) => key.lastUsedAt,
        },
        {
          header: "Expires",
          cell: (key) => when(key.expires, "Never"),
          sortValue: (key) => key.expires,
        },
        {
          header: "Created",
          cell: (key) => new Date(key.createdAt).toLocaleDateString(),
          sortValue: (key) => key.createdAt,
        },
        { header: "Actions", cell: (key) => <KeyRowActions apiKey={key} {...props} /> },
      ]}
    />
  );
}

function KeyRowActions(props: RowActions & { apiKey: KeyResponseData }) {
  const { apiKey: key, pending } = props;
  return (
    <span className="row-actions">
      <button type="button" className="secondary" onClick={() => props.onEdit(key)}>
        Edit
      </button>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={() => props.onSetEnabled(key, !key.enabled)}
      >
        {key.enabled ? "Disable" : "Enable"}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={() => props.onReroll(key)}
      >
        Reroll
      </button>
      <ConfirmButton
        label="Delete"
        confirmLabel="Delete key"
        disabled={pending}
        onConfirm={() => props.onDelete(key)}
      />
    </span>
  );
}
