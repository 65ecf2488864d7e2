import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ratelimitDeleteOverride } from "@unkey/api/funcs/ratelimitDeleteOverride.js";
import { ratelimitListOverrides } from "@unkey/api/funcs/ratelimitListOverrides.js";
import { ratelimitSetOverride } from "@unkey/api/funcs/ratelimitSetOverride.js";
import { type FormEvent, useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { pageAfter, usePagedList } from "../api/use-paged-list";
import { KeysSections } from "../keys/KeysSections";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/**
 * Per-identifier overrides of a ratelimit namespace (`ratelimit.setOverride` / `listOverrides` /
 * `deleteOverride`). A namespace exists once `ratelimit.limit` has been called with it.
 */
export function RatelimitOverridesPage() {
  const [namespaceText, setNamespaceText] = useState("");
  const [namespace, setNamespace] = useState("");
  function open(event: FormEvent) {
    event.preventDefault();
    setNamespace(namespaceText.trim());
  }
  return (
    <div className="page">
      <h1>Rate-limit overrides</h1>
      <KeysSections />
      <form className="toolbar" aria-label="Open a namespace" onSubmit={open}>
        <label>
          Namespace
          <input value={namespaceText} onChange={(event) => setNamespaceText(event.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={!namespaceText.trim()}>
          Open namespace
        </button>
      </form>
      {namespace ? (
        <NamespaceOverrides key={namespace} namespace={namespace} />
      ) : (
        <p className="muted">
          Open a namespace by name or id (one your services call <code>ratelimit.limit</code> with)
          to see and set its overrides.
        </p>
      )}
    </div>
  );
}

function NamespaceOverrides({ namespace }: { namespace: string }) {
  const queryClient = useQueryClient();
  const queryKey = ["ratelimit-overrides", namespace];
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const overrides = usePagedList(queryKey, (cursor) =>
    unwrapPage(ratelimitListOverrides(sdk, { namespace, ...pageAfter(cursor) })),
  );
  const remove = useMutation({
    mutationFn: (identifier: string) =>
      unwrap(ratelimitDeleteOverride(sdk, { namespace, identifier })),
    onSettled: refresh,
  });
  return (
    <section aria-labelledby="overrides-title">
      <h2 id="overrides-title">Overrides of {namespace}</h2>
      <SetOverride namespace={namespace} onSet={refresh} />
      <ErrorNote error={overrides.query.error ?? remove.error} />
      {overrides.query.isPending ? (
        <Skeleton lines={3} label="Loading overrides" />
      ) : (
        <DataTable
          caption="Overrides"
          rows={overrides.rows}
          rowKey={(override) => override.overrideId}
          onNearEnd={overrides.onNearEnd}
          empty="No overrides in this namespace."
          columns={[
            {
              header: "Identifier",
              cell: (override) => <span className="mono">{override.identifier}</span>,
            },
            { header: "Limit", cell: (override) => override.limit },
            { header: "Window (ms)", cell: (override) => override.duration },
            {
              header: "Actions",
              cell: (override) => (
                <ConfirmButton
                  label="Delete"
                  confirmLabel={`Delete override of ${override.identifier}`}
                  disabled={remove.isPending}
                  onConfirm={() => remove.mutate(override.identifier)}
                />
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

const wholeNumber = (text: string) => (/^\d{1,15}$/.test(text.trim()) ? Number(text) : undefined);

function SetOverride({ namespace, onSet }: { namespace: string; onSet: () => void }) {
  const [identifier, setIdentifier] = useState("");
  const [limit, setLimit] = useState("");
  const [duration, setDuration] = useState("60000");
  const limitValue = wholeNumber(limit);
  const durationValue = wholeNumber(duration);
  const set = useMutation({
    mutationFn: () =>
      unwrap(
        ratelimitSetOverride(sdk, {
          namespace,
          identifier: identifier.trim(),
          limit: limitValue ?? 0,
          duration: durationValue ?? 0,
        }),
      ),
    onSuccess: () => {
      setIdentifier("");
      setLimit("");
    },
    onSettled: onSet,
  });
  const ready =
    identifier.trim() !== "" &&
    limitValue !== undefined &&
    durationValue !== undefined &&
    durationValue >= 1000;
  return (
    <form
      className="toolbar"
      aria-label="Set an override"
      onSubmit={(event) => {
        event.preventDefault();
        set.mutate();
      }}
    >
      <label>
        Identifier (* matches any run)
        <input
          className="mono"
          value={identifier}
          onChange={(event) => setIdentifier(event.target.value)}
        />
      </label>
      <label>
        Override limit
        <input
          inputMode="numeric"
          value={limit}
          onChange={(event) => setLimit(event.target.value)}
        />
      </label>
      <label>
        Override window (ms)
        <input
          inputMode="numeric"
          value={duration}
          onChange={(event) => setDuration(event.target.value)}
        />
      </label>
      <button type="submit" disabled={!ready || set.isPending}>
        Set override
      </button>
      <ErrorNote error={set.error} />
    </form>
  );
}
