import { type FormEvent, useEffect, useRef, useState } from "react";
import { ErrorNote } from "../ui/ErrorNote";
import {
  metaText,
  parseMeta,
  parseRatelimits,
  type RatelimitDraft,
  type RatelimitValue,
  ratelimitDrafts,
} from "./field-drafts";
import { RatelimitFields } from "./RatelimitFields";

export interface IdentityFields {
  externalId: string;
  meta: Record<string, unknown> | undefined;
  ratelimits: RatelimitValue[];
}

/**
 * An identity's fields: the external id (only when creating: it names the identity), meta and
 * its ratelimits, which its keys share. Checked here first; the API has the last word.
 */
export function IdentityForm(props: {
  idPrefix: string;
  initial?: {
    externalId: string;
    meta?: Record<string, unknown> | undefined;
    ratelimits?: ReadonlyArray<{
      name: string;
      limit: number;
      duration: number;
      autoApply: boolean;
    }>;
  };
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (fields: IdentityFields) => void;
}) {
  const { idPrefix, initial } = props;
  const [externalId, setExternalId] = useState(initial?.externalId ?? "");
  const [meta, setMeta] = useState(metaText(initial?.meta));
  const [ratelimits, setRatelimits] = useState<RatelimitDraft[]>(
    ratelimitDrafts(initial?.ratelimits ?? []),
  );
  const [problem, setProblem] = useState<string | null>(null);
  // Editing opens the form away from the row's Edit button: the first field takes focus.
  const metaField = useRef<HTMLTextAreaElement>(null);
  const editing = initial !== undefined;
  useEffect(() => {
    if (editing) metaField.current?.focus();
  }, [editing]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsedMeta = parseMeta(meta);
    const parsedLimits = parseRatelimits(ratelimits);
    if (!parsedMeta.ok) return setProblem(parsedMeta.error);
    if (!parsedLimits.ok) return setProblem(parsedLimits.error);
    if (!externalId.trim()) return setProblem("The identity needs an external id.");
    setProblem(null);
    props.onSubmit({
      externalId: externalId.trim(),
      meta: parsedMeta.value ?? undefined,
      ratelimits: parsedLimits.value,
    });
  }

  return (
    <form className="editor-form" aria-label={props.submitLabel} onSubmit={submit}>
      {!initial && (
        <label htmlFor={`${idPrefix}-external-id`}>
          External id
          <input
            id={`${idPrefix}-external-id`}
            className="mono"
            value={externalId}
            onChange={(event) => setExternalId(event.target.value)}
          />
        </label>
      )}
      <label htmlFor={`${idPrefix}-meta`}>
        Identity meta (JSON object)
        <textarea
          id={`${idPrefix}-meta`}
          ref={metaField}
          rows={2}
          value={meta}
          onChange={(event) => setMeta(event.target.value)}
        />
      </label>
      <RatelimitFields idPrefix={idPrefix} value={ratelimits} onChange={setRatelimits} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={props.error} />
      <div>
        <button type="submit" disabled={props.pending}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
