import type { IdentifierDraft, IdentifierSource, PolicyDraft } from "./policy-draft";

const identifierSources: Array<{ value: IdentifierSource; label: string }> = [
  { value: "remoteIp", label: "Client IP" },
  { value: "header", label: "Header" },
  { value: "authenticatedSubject", label: "Authenticated subject" },
  { value: "path", label: "Path" },
  { value: "principalField", label: "Principal field" },
];

interface RatelimitFieldsProps {
  draft: PolicyDraft;
  onChange: (draft: PolicyDraft) => void;
}

/** A rate limit: requests per window, counted per 1-5 identifier sources (a compound key). */
export function RatelimitFields({ draft, onChange }: RatelimitFieldsProps) {
  const ratelimit = draft.ratelimit;
  const set = (change: Partial<PolicyDraft["ratelimit"]>) =>
    onChange({ ...draft, ratelimit: { ...ratelimit, ...change } });
  const setIdentifier = (index: number, identifier: IdentifierDraft) =>
    set({
      identifiers: ratelimit.identifiers.map((other, at) => (at === index ? identifier : other)),
    });
  return (
    <fieldset className="policy-fieldset">
      <legend>Rate limit</legend>
      <div className="toolbar">
        <label>
          Requests allowed
          <input
            inputMode="numeric"
            value={ratelimit.limit}
            onChange={(event) => set({ limit: event.target.value })}
          />
        </label>
        <label>
          Window (ms)
          <input
            inputMode="numeric"
            value={ratelimit.windowMs}
            onChange={(event) => set({ windowMs: event.target.value })}
          />
        </label>
      </div>
      {ratelimit.identifiers.map((identifier, index) => (
        <IdentifierRow
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          key={index}
          index={index}
          identifier={identifier}
          onChange={(next) => setIdentifier(index, next)}
          onRemove={() =>
            set({ identifiers: ratelimit.identifiers.filter((_, at) => at !== index) })
          }
        />
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          set({ identifiers: [...ratelimit.identifiers, { source: "remoteIp", value: "" }] })
        }
      >
        Add a source
      </button>
    </fieldset>
  );
}

function IdentifierRow(props: {
  index: number;
  identifier: IdentifierDraft;
  onChange: (identifier: IdentifierDraft) => void;
  onRemove: () => void;
}) {
  const { index, identifier } = props;
  const named = identifier.source === "header" || identifier.source === "principalField";
  return (
    <div className="toolbar">
      <label>
        Counted per (source {index + 1})
        <select
          value={identifier.source}
          onChange={(event) =>
            props.onChange({ source: event.target.value as IdentifierSource, value: "" })
          }
        >
          {identifierSources.map((source) => (
            <option key={source.value} value={source.value}>
              {source.label}
            </option>
          ))}
        </select>
      </label>
      {named && (
        <label>
          {identifier.source === "header" ? "Header name" : "Principal path"} (source {index + 1})
          <input
            className="mono"
            value={identifier.value}
            onChange={(event) => props.onChange({ ...identifier, value: event.target.value })}
          />
        </label>
      )}
      <button
        type="button"
        className="secondary"
        aria-label={`Remove source ${index + 1}`}
        onClick={props.onRemove}
      >
        Remove
      </button>
    </div>
  );
}
