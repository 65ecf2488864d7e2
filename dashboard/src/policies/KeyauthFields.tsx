import type { KeyRatelimitDraft, LocationDraft, PolicyDraft } from "./policy-draft";

interface KeyauthFieldsProps {
  draft: PolicyDraft;
  onChange: (draft: PolicyDraft) => void;
}

type KeyauthDraft = PolicyDraft["keyauth"];

/** Key authentication: keyspaces, where the key is found, permissions, credits, key limits. */
export function KeyauthFields({ draft, onChange }: KeyauthFieldsProps) {
  const keyauth = draft.keyauth;
  const set = (change: Partial<KeyauthDraft>) =>
    onChange({ ...draft, keyauth: { ...keyauth, ...change } });
  return (
    <fieldset className="policy-fieldset">
      <legend>Key authentication</legend>
      <div className="toolbar">
        <label>
          Keyspaces (ids, comma-separated)
          <input
            className="mono"
            value={keyauth.keyspaces}
            onChange={(event) => set({ keyspaces: event.target.value })}
          />
        </label>
        <label>
          Permission query (optional)
          <input
            className="mono"
            value={keyauth.permissionQuery}
            onChange={(event) => set({ permissionQuery: event.target.value })}
          />
        </label>
        <label>
          Credits per request (default 1)
          <input
            inputMode="numeric"
            value={keyauth.credits}
            onChange={(event) => set({ credits: event.target.value })}
          />
        </label>
      </div>
      <KeyLocationRows locations={keyauth.locations} onChange={(locations) => set({ locations })} />
      <KeyRatelimitRows
        ratelimits={keyauth.ratelimits}
        onChange={(ratelimits) => set({ ratelimits })}
      />
    </fieldset>
  );
}

function KeyLocationRows(props: {
  locations: LocationDraft[];
  onChange: (locations: LocationDraft[]) => void;
}) {
  const { locations } = props;
  const setLocation = (index: number, change: Partial<LocationDraft>) =>
    props.onChange(locations.map((other, at) => (at === index ? { ...other, ...change } : other)));
  return (
    <>
      <p className="muted">Key locations, tried in order (none: the Authorization bearer token).</p>
      {locations.map((location, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div className="toolbar" key={index}>
          <label>
            Location {index + 1}
            <select
              value={location.type}
              onChange={(event) =>
                setLocation(index, { type: event.target.value as LocationDraft["type"] })
              }
            >
              <option value="bearer">Bearer token</option>
              <option value="header">Header</option>
              <option value="queryParam">Query parameter</option>
            </select>
          </label>
          {location.type !== "bearer" && (
            <label>
              Location {index + 1} name
              <input
                className="mono"
                value={location.name}
                onChange={(event) => setLocation(index, { name: event.target.value })}
              />
            </label>
          )}
          {location.type === "header" && (
            <label>
              Location {index + 1} prefix to strip
              <input
                className="mono"
                value={location.stripPrefix}
                onChange={(event) => setLocation(index, { stripPrefix: event.target.value })}
              />
            </label>
          )}
          <button
            type="button"
            className="secondary"
            aria-label={`Remove location ${index + 1}`}
            onClick={() => props.onChange(locations.filter((_, at) => at !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          props.onChange([...locations, { type: "header", name: "", stripPrefix: "" }])
        }
      >
        Add a key location
      </button>
    </>
  );
}

function KeyRatelimitRows(props: {
  ratelimits: KeyRatelimitDraft[];
  onChange: (ratelimits: KeyRatelimitDraft[]) => void;
}) {
  const { ratelimits } = props;
  return (
    <>
      <p className="muted">
        Key rate limits (the key's named limits; limit and duration together or neither).
      </p>
      {ratelimits.map((limit, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div className="toolbar" key={index}>
          {(["name", "limit", "duration", "cost"] as const).map((field) => (
            <label key={field}>
              Key limit {index + 1} {field === "duration" ? "duration (ms)" : field}
              <input
                className={field === "name" ? "mono" : undefined}
                value={limit[field]}
                onChange={(event) =>
                  props.onChange(
                    ratelimits.map((other, at) =>
                      at === index ? { ...other, [field]: event.target.value } : other,
                    ),
                  )
                }
              />
            </label>
          ))}
          <button
            type="button"
            className="secondary"
            aria-label={`Remove key limit ${index + 1}`}
            onClick={() => props.onChange(ratelimits.filter((_, at) => at !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          props.onChange([...ratelimits, { name: "", limit: "", duration: "", cost: "" }])
        }
      >
        Add a key rate limit
      </button>
    </>
  );
}
