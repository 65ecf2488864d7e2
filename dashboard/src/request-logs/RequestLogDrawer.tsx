import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { type RequestLog, slipway } from "../api/slipway";
import { Drawer } from "../ui/Drawer";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

interface RequestLogDrawerProps {
  log: RequestLog;
  onClose: () => void;
}

/**
 * One request in full: what Sentinel recorded, and the headers and bodies a logging policy
 * captured, exactly as the API returns them (credentials already redacted by Sentinel and the
 * store; the dashboard never sees them).
 */
export function RequestLogDrawer({ log, onClose }: RequestLogDrawerProps) {
  const closeButton = useRef<HTMLButtonElement>(null);
  const detail = useQuery({
    queryKey: ["request-log", log.id],
    queryFn: () => slipway.getRequestLogDetail(log),
  });
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    return () => opener?.focus();
  }, []);
  const full = detail.data ?? log;
  const facts: Array<[string, string | number | undefined]> = [
    ["Time", new Date(full.time).toLocaleString()],
    ["Request id", full.requestId],
    ["Status", full.status],
    ["Outcome", full.policyName ? `${full.outcome} by ${full.policyName}` : full.outcome],
    ["Host", full.host],
    [
      "Latency",
      `${full.totalLatencyMs} ms total, ${full.upstreamLatencyMs ?? "—"} ms upstream, ${full.sentinelLatencyMs ?? "—"} ms in Sentinel`,
    ],
    ["Region", full.region],
    ["Instance", full.instance],
    ["Deployment", full.deploymentId],
    ["Client", full.clientIp],
    ["User agent", full.userAgent],
  ];
  return (
    <Drawer
      titleId="request-log-title"
      title={
        <>
          {" "}
          {full.method} {full.path} {full.query ? `?${full.query}` : ""}{" "}
        </>
      }
      onClose={onClose}
      titleClassName="mono"
      closeButtonRef={closeButton}
    >
      <dl className="facts">
        {facts
          .filter(([, value]) => value !== undefined && value !== "")
          .map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd className={name === "Request id" ? "mono" : undefined}>{value}</dd>
            </div>
          ))}
      </dl>
      <ErrorNote error={detail.error} />
      {detail.isPending ? (
        <Skeleton lines={6} label="Loading headers and bodies" />
      ) : (
        <>
          <Headers title="Request headers" headers={full.requestHeaders} />
          <Body
            title="Request body"
            body={full.requestBody}
            truncated={full.requestBodyTruncated}
          />
          <Headers title="Response headers" headers={full.responseHeaders} />
          <Body
            title="Response body"
            body={full.responseBody}
            truncated={full.responseBodyTruncated}
          />
          {!full.requestHeaders &&
            !full.responseHeaders &&
            full.requestBody === undefined &&
            full.responseBody === undefined && (
              <p className="muted">
                No headers or bodies were captured: add a logging policy to this environment's
                Sentinel policies to keep them.
              </p>
            )}
        </>
      )}
    </Drawer>
  );
}

function Headers({
  title,
  headers,
}: {
  title: string;
  headers: Record<string, string[]> | undefined;
}) {
  if (!headers) return null;
  const entries = Object.entries(headers);
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <table className="headers">
        <caption className="visually-hidden">{title}</caption>
        <tbody>
          {entries.flatMap(([name, values]) =>
            values.map((value, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a header may repeat with the same value
              <tr key={`${name}-${index}`}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">{value}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

function Body({
  title,
  body,
  truncated,
}: {
  title: string;
  body: string | undefined;
  truncated: boolean | undefined;
}) {
  if (body === undefined) return null;
  return (
    <section aria-label={title}>
      <h3>
        {title}
        {truncated ? <span className="muted"> (first 64 KiB)</span> : null}
      </h3>
      {body === "" ? <p className="muted">Empty</p> : <pre className="payload">{body}</pre>}
    </section>
  );
}
