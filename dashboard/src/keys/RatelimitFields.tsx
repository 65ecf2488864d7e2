import { emptyRatelimit, type RatelimitDraft } from "./field-drafts";

/** Rows of ratelimits (name, limit, window in ms, auto-apply), for keys and identities alike. */
export function RatelimitFields(props: {
  idPrefix: string;
  value: RatelimitDraft[];
  onChange: (value: RatelimitDraft[]) => void;
}) {
  const { idPrefix, value, onChange } = props;
  const update = (index: number, change: Partial<RatelimitDraft>) =>
    onChange(value.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <fieldset className="ratelimit-rows">
      <legend>Ratelimits</legend>
      {value.length === 0 && <p className="muted">No ratelimits.</p>}
      {value.map((row, index) => {
        const id = `${idPrefix}-ratelimit-${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved; position is it
          <div className="ratelimit-row" key={index}>
            <label htmlFor={`${id}-name`}>
              Ratelimit name
              <input
                id={`${id}-name`}
                value={row.name}
                onChange={(event) => update(index, { name: event.target.value })}
              />
            </label>
            <label htmlFor={`${id}-limit`}>
              Limit
              <input
                id={`${id}-limit`}
                inputMode="numeric"
                value={row.limit}
                onChange={(event) => update(index, { limit: event.target.value })}
              />
            </label>
            <label htmlFor={`${id}-duration`}>
              Window (ms)
              <input
                id={`${id}-duration`}
                inputMode="numeric"
                value={row.duration}
                onChange={(event) => update(index, { duration: event.target.value })}
              />
            </label>
            <label className="inline" htmlFor={`${id}-auto`}>
              <input
                id={`${id}-auto`}
                type="checkbox"
                checked={row.autoApply}
                onChange={(event) => update(index, { autoApply: event.target.checked })}
              />
              Auto-apply
            </label>
            <button
              type="button"
              className="secondary"
              aria-label={`Remove ratelimit ${row.name || index + 1}`}
              onClick={() => onChange(value.filter((_, at) => at !== index))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...value, { ...emptyRatelimit }])}
      >
        Add ratelimit
      </button>
    </fieldset>
  );
}
