import { useMutation } from "@tanstack/react-query";
import { keysUpdateKey } from "@unkey/api/funcs/keysUpdateKey.js";
import type { KeyResponseData } from "@unkey/api/models/components";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { ErrorNote } from "../ui/ErrorNote";
import { draftFromKey, type KeyDraft, keyUpdateFromDraft } from "./key-draft";
import { RatelimitFields } from "./RatelimitFields";

/**
 * A key's settings as one `keys.updateKey` with every field: name, identity, meta, expiry,
 * credits, ratelimits, enabled. An emptied field is cleared; a field a person must fix is named
 * before anything is sent.
 */
export function KeySettingsForm(props: { apiKey: KeyResponseData; onSaved: () => void }) {
  const { apiKey, onSaved } = props;
  // The key as the editor opened it: only what differs from it is sent.
  const [initial] = useState<KeyDraft>(() => draftFromKey(apiKey));
  const [draft, setDraft] = useState<KeyDraft>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => firstField.current?.focus(), []);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof keysUpdateKey>[1]) => unwrap(keysUpdateKey(sdk, body)),
    onSuccess: onSaved,
  });
  const change = (fields: Partial<KeyDraft>) => setDraft((current) => ({ ...current, ...fields }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const update = keyUpdateFromDraft(apiKey.keyId, initial, draft);
    setProblem(update.ok ? null : update.error);
    if (!update.ok) return;
    // Nothing changed: nothing to send (and no audit row for it).
    if (Object.keys(update.value).length === 1) onSaved();
    else save.mutate(update.value);
  }

  return (
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
  );
}
