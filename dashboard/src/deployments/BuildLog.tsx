import { useEffect, useRef, useState } from "react";
import { describeError } from "../api/api-error";
import { type DeploymentLogLine, slipway } from "../api/slipway";

const maxLinesKept = 20_000;

/**
 * A deployment's build and rollout log that follows while it runs: it asks again from the last
 * cursor every second and a half until the deployment settles, keeping at most 20 000 lines.
 * It stays scrolled to the bottom unless the reader scrolled up.
 */
export function BuildLog({ deploymentId, follow }: { deploymentId: string; follow: boolean }) {
  const [lines, setLines] = useState<DeploymentLogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const cursorRef = useRef<string | undefined>(undefined);
  const boxRef = useRef<HTMLPreElement>(null);
  const stickToBottom = useRef(true);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        for (;;) {
          const page = await slipway.getDeploymentLogs(deploymentId, cursorRef.current);
          if (stopped) return;
          if (page.data.length > 0) {
            setLines((previous) => [...previous, ...page.data].slice(-maxLinesKept));
          }
          if (page.pagination?.cursor) cursorRef.current = page.pagination.cursor;
          if (!page.pagination?.hasMore) break;
        }
        setError(null);
      } catch (caught) {
        if (!stopped) setError(describeError(caught));
      }
      if (!stopped && follow) timer = setTimeout(poll, 1500);
    }
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [deploymentId, follow]);

  useEffect(() => {
    const box = boxRef.current;
    if (box && stickToBottom.current && lines.length > 0) box.scrollTop = box.scrollHeight;
  }, [lines]);

  return (
    <div>
      <pre
        ref={boxRef}
        className="build-log"
        role="log"
        aria-label="Build log"
        aria-live={follow ? "polite" : "off"}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard
        tabIndex={0}
        onScroll={(event) => {
          const box = event.currentTarget;
          stickToBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
        }}
      >
        {lines.length === 0 && !error ? "Waiting for the first log line…" : null}
        {lines.map((line) => (
          <div key={line.seq} className={line.stream}>
            <span className="visually-hidden">{line.step}: </span>
            {line.message}
          </div>
        ))}
      </pre>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
