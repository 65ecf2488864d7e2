import { useMutation } from "@tanstack/react-query";
import { keysUpdateKey } from "@unkey/api/funcs/keysUpdateKey.js";
import type { KeyResponseData } from "@unkey/api/models/components";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { ErrorNote } from "../ui/ErrorNote";
import { KeyGrants } from "./KeyGrants";
import { draftFromKey, type KeyDraft, keyUpdateFromDraft } from "./key-draft";
import { RatelimitFields } from "./RatelimitFields";

/**
 * The slide-out editor of one key, filled from the list response: name, identity, meta, expiry,
 * credits, ratelimits, enabled (one `keys.updateKey`), and its roles and permissions.
 */
export function KeyEditor(props: {
  apiKey: KeyResponseData;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { apiKey, onClose, onChanged } = props;
  const [draft, setDraft] = useState<KeyDraft>(() => draftFromKey(apiKey));
  const [problem, setProblem] = useState<string | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => firstField.current?.focus(), []);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof keysUpdateKey>[1]) => unwrap(keysUpdateKey(sdk, body)),
    onSuccess: () => {
      onChanged();
      onClose();
    },
  });
  const change = (fields: Partial<KeyDraft>) => setDraft((current) => ({ ...current, ...fields }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const update = keyUpdateFromDraft(apiKey.keyId, draft);
    setProblem(update.ok ? null : update.error);
    if (update.ok) save.mutate(update.value);
  }

  return (
    <>
      <div className="drawer-backdrop" aria-hidden="true" onClick={onClose} />
      <div
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby="key-editor-title"
        onKeyDown={(event) => {
          if (event.key === "Escape") onClose();
        }}
      >
        <header>
          <h2 id="key-editor-title">Edit key {apiKey.name ?? apiKey.keyId}</h2>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </header>
        <form className="editor-form" aria-label="Key settings" onSubmit={submit}>
          <label>
            Name
            <input
              ref={firstField}
              value={draft.name}
              onChange={(event) => change({ name: event.target.value })}
            />
          </label>
          <label>
            Identity (external id)
            <input
              className="mono"
              value={draft.externalId}
              onChange={(event) => change({ externalId: event.target.value })}
            />
          </label>
          <label>
            Meta (JSON object)
            <textarea
              rows={3}
              value={draft.meta}
              onChange={(event) => change({ meta: event.target.value })}
            />
          </label>
          <label>
            Expires (empty: never)
            <input
              type="datetime-local"
              value={draft.expires}
              onChange={(event) => change({ expires: event.target.value })}
            />
          </label>
          <label>
            Credits remaining (empty: unlimited)
            <input
              inputMode="numeric"
              value={draft.credits}
              onChange={(event) => change({ credits: event.target.value })}
            />
          </label>
          <RatelimitFields
            idPrefix="key"
            value={draft.ratelimits}
            onChange={(ratelimits) => change({ ratelimits })}
          />
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(event) => change({ enabled: event.target.checked })}
            />
            Enabled
          </label>
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
          <ErrorNote error={save.error} />
          <div>
            <button type="submit" disabled={save.isPending}>
              Save key
            </button>
          </div>
        </form>
        <KeyGrants apiKey={apiKey} onChanged={onChanged} />
      </div>
    </>
  );
}
