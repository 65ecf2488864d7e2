import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type AuditLogEntry, slipway } from "../api/slipway";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/** Who changed what, newest first, filtered by action and target; pages load as you scroll. */
export function AuditLogPage() {
  const [action, setAction] = useState("");
  const [target, setTarget] = useState("");
  const [applied, setApplied] = useState<{ action?: string; targetId?: string }>({});
  const entries = useInfiniteQuery({
    queryKey: ["audit-log", applied],
    queryFn: ({ pageParam }) =>
      slipway.listAuditLogs({ ...applied, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
  });
  const rows = entries.data?.pages.flatMap((page) => page.data) ?? [];

  function apply(event: FormEvent) {
    event.preventDefault();
    setApplied({
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(target.trim() ? { targetId: target.trim() } : {}),
    });
  }

  return (
    <div className="page">
      <h1>Audit log</h1>
      <form className="toolbar" onSubmit={apply} aria-label="Filter the audit log">
        <label>
          Action
          <input
            value={action}
            onChange={(event) => setAction(event.target.value)}
            placeholder="project.create"
          />
        </label>
        <label>
          Target id
          <input value={target} onChange={(event) => setTarget(event.target.value)} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorNote error={entries.error} />
      {entries.isPending ? (
        <Skeleton lines={8} label="Loading the audit log" />
      ) : (
        <DataTable<AuditLogEntry>
          caption="Audit log"
          rows={rows}
          rowKey={(entry) => entry.id}
          onNearEnd={
            entries.hasNextPage && !entries.isFetchingNextPage
              ? () => void entries.fetchNextPage()
              : undefined
          }
          empty="Nothing recorded for these filters."
          columns={[
            { header: "Time", cell: (entry) => new Date(entry.createdAt).toLocaleString() },
            { header: "Action", cell: (entry) => <span className="mono">{entry.action}</span> },
            {
              header: "Target",
              cell: (entry) => (
                <span className="mono">
                  {entry.target.type} {entry.target.id}
                </span>
              ),
            },
            {
              header: "Actor",
              cell: (entry) => (
                <span className="mono">
                  {entry.actor.type} {entry.actor.id}
                </span>
              ),
            },
            {
              header: "Request",
              cell: (entry) => <span className="mono">{entry.requestId ?? "—"}</span>,
            },
          ]}
        />
      )}
    </div>
  );
}
