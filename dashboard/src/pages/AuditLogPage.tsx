import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type AuditLogEntry, slipway } from "../api/slipway";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

type AuditLogOrder = "newest" | "oldest";

interface AuditLogQuery {
  action?: string;
  targetType?: string;
  targetId?: string;
  order: AuditLogOrder;
}

/**
 * Who changed what, sorted by time either way on the server, filtered by action and target;
 * pages load as you scroll, and the table is driven by the keyboard (DataTable).
 */
export function AuditLogPage() {
  const [action, setAction] = useState("");
  const [targetType, setTargetType] = useState("");
  const [target, setTarget] = useState("");
  const [applied, setApplied] = useState<AuditLogQuery>({ order: "newest" });
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
      order: applied.order,
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(targetType.trim() ? { targetType: targetType.trim() } : {}),
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
          Target type
          <input
            value={targetType}
            onChange={(event) => setTargetType(event.target.value)}
            placeholder="project"
          />
        </label>
        <label>
          Target id
          <input value={target} onChange={(event) => setTarget(event.target.value)} />
        </label>
        <button type="submit">Apply filters</button>
        <label>
          Order
          <select
            value={applied.order}
            onChange={(event) =>
              setApplied({ ...applied, order: event.target.value as AuditLogOrder })
            }
          >
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </label>
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
            {
              header: applied.order === "newest" ? "Time (newest first)" : "Time (oldest first)",
              cell: (entry) => new Date(entry.createdAt).toLocaleString(),
            },
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
