import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type RequestLog, type RequestLogFilters, slipway } from "../api/slipway";
import { RequestChart } from "../request-logs/RequestChart";
import { RequestLogDrawer } from "../request-logs/RequestLogDrawer";
import {
  emptyFilterForm,
  type RequestLogFilterForm,
  requestLogFilters,
} from "../request-logs/request-log-filters";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

const fields: Array<{ name: keyof RequestLogFilterForm; label: string; type?: string }> = [
  { name: "status", label: "Status (404, 500-503, 5xx)" },
  { name: "method", label: "Method" },
  { name: "host", label: "Host" },
  { name: "path", label: "Path prefix" },
  { name: "region", label: "Region" },
  { name: "instance", label: "Instance" },
  { name: "deployment", label: "Deployment id" },
  { name: "requestId", label: "Request id" },
  { name: "since", label: "Since", type: "datetime-local" },
  { name: "until", label: "Until", type: "datetime-local" },
];

/**
 * The requests Sentinel served or refused, newest first, filtered: a chart of the window, the
 * virtualised table, and a drawer with one request's headers and bodies (a click or Enter).
 */
export function RequestLogsPage() {
  const [form, setForm] = useState<RequestLogFilterForm>(emptyFilterForm);
  const [applied, setApplied] = useState<RequestLogFilters>({});
  const [errors, setErrors] = useState<string[]>([]);
  const logs = useInfiniteQuery({
    queryKey: ["request-logs", applied],
    queryFn: ({ pageParam }) => slipway.listRequestLogs(applied, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
  });
  const rows = logs.data?.pages.flatMap((page) => page.data) ?? [];
  // Fetched alongside the first page (no waterfall): both depend only on the filters.
  const stats = useQuery({
    queryKey: ["request-log-stats", applied],
    queryFn: () => slipway.getRequestLogStats(applied),
  });
  const [opened, setOpened] = useState<RequestLog | null>(null);

  function apply(event: FormEvent) {
    event.preventDefault();
    const result = requestLogFilters(form);
    setErrors(result.errors);
    if (result.errors.length === 0) setApplied(result.filters);
  }

  return (
    <div className="page">
      <h1>Request logs</h1>
      <form className="toolbar" onSubmit={apply} aria-label="Filter request logs">
        {fields.map((field) => (
          <label key={field.name}>
            {field.label}
            <input
              type={field.type ?? "text"}
              value={form[field.name]}
              onChange={(event) => setForm({ ...form, [field.name]: event.target.value })}
            />
          </label>
        ))}
        <button type="submit">Apply filters</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setForm(emptyFilterForm);
            setErrors([]);
            setApplied({});
          }}
        >
          Clear
        </button>
      </form>
      {errors.length > 0 && (
        <ul className="error" role="alert">
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      <ErrorNote error={logs.error ?? stats.error} />
      {stats.isPending ? (
        <Skeleton lines={4} label="Loading the request chart" />
      ) : stats.data ? (
        <RequestChart stats={stats.data} />
      ) : null}
      {logs.isPending ? (
        <Skeleton lines={8} label="Loading request logs" />
      ) : (
        <DataTable<RequestLog>
          caption="Request logs"
          rows={rows}
          rowKey={(log) => log.id}
          onActivate={setOpened}
          onNearEnd={
            logs.hasNextPage && !logs.isFetchingNextPage
              ? () => void logs.fetchNextPage()
              : undefined
          }
          empty="No requests match these filters in the last 24 hours."
          columns={[
            { header: "Time", cell: (log) => new Date(log.time).toLocaleString() },
            { header: "Status", cell: (log) => <span className="mono">{log.status}</span> },
            { header: "Method", cell: (log) => log.method },
            { header: "Host", cell: (log) => log.host },
            { header: "Path", cell: (log) => <span className="mono">{log.path}</span> },
            { header: "Latency", cell: (log) => `${log.totalLatencyMs} ms` },
            { header: "Region", cell: (log) => log.region ?? "—" },
            { header: "Outcome", cell: (log) => log.outcome ?? "—" },
          ]}
        />
      )}
      {opened && <RequestLogDrawer log={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}
