import type { IdentifierSource, LocationDraft, PolicyDraft } from "./policy-draft";

const identifierSources: Array<{ value: IdentifierSource; label: string }> = [
  { value: "remoteIp", label: "Client IP" },
  { value: "header", label: "Header" },
  { value: "authenticatedSubject", label: "Authenticated subject" },
  { value: "path", label: "Path" },
  { value: "principalField", label: "Principal field" },
];

const loggingCaptures = [
  ["requestHeaders", "Request headers"],
  ["responseHeaders", "Response headers"],
  ["requestBody", "Request body"],
  ["responseBody", "Response body"],
  ["query", "Query string"],
] as const;

interface RuleFieldsProps {
  draft: PolicyDraft;
  onChange: (draft: PolicyDraft) => void;
}

/** The settings of the draft's rule kind; firewall (deny) and openapi have none. */
export function RuleFields({ draft, onChange }: RuleFieldsProps) {
  switch (draft.kind) {
    case "firewall":
      return (
        <p className="muted">Matching requests are denied with 403 before they reach the app.</p>
      );
    case "openapi":
      return (
        <p className="muted">
          Validates requests against the app's uploaded OpenAPI spec; with no spec uploaded,
          requests pass through unvalidated.
        </p>
      );
    case "logging":
      return (
        <fieldset className="policy-fieldset">
          <legend>Capture (secrets and key locations are redacted)</legend>
          {loggingCaptures.map(([field, label]) => (
            <label key={field} className="checkbox">
              <input
                type="checkbox"
                checked={draft.logging[field]}
                onChange={(event) =>
                  onChange({
                    ...draft,
                    logging: { ...draft.logging, [field]: event.target.checked },
                  })
                }
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
      );
    case "ratelimit":
      return <RatelimitFields draft={draft} onChange={onChange} />;
    case "keyauth":
      return <KeyauthFields draft={draft} onChange={onChange} />;
  }
}

function RatelimitFields({ draft, onChange }: RuleFieldsProps) {
  const ratelimit = draft.ratelimit;
  const set = (change: Partial<PolicyDraft["ratelimit"]>) =>
    onChange({ ...draft, ratelimit: { ...ratelimit, ...change } });
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
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div className="toolbar" key={index}>
          <label>
            Counted per (source {index + 1})
            <select
              value={identifier.source}
              onChange={(event) =>
                set({
                  identifiers: ratelimit.identifiers.map((other, at) =>
                    at === index
                      ? { source: event.target.value as IdentifierSource, value: "" }
                      : other,
                  ),
                })
              }
            >
              {identifierSources.map((source) => (
                <option key={source.value} value={source.value}>
                  {source.label}
                </option>
              ))}
            </select>
          </label>
          {(identifier.source === "header" || identifier.source === "principalField") && (
            <label>
              {identifier.source === "header" ? "Header name" : "Principal path"} (source{" "}
              {index + 1})
              <input
                className="mono"
                value={identifier.value}
                onChange={(event) =>
                  set({
                    identifiers: ratelimit.identifiers.map((other, at) =>
                      at === index ? { ...other, value: event.target.value } : other,
                    ),
                  })
                }
              />
            </label>
          )}
          <button
            type="button"
            className="secondary"
            aria-label={`Remove source ${index + 1}`}
            onClick={() =>
              set({ identifiers: ratelimit.identifiers.filter((_, at) => at !== index) })
            }
          >
            Remove
          </button>
        </div>
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

function KeyauthFields({ draft, onChange }: RuleFieldsProps) {
  const keyauth = draft.keyauth;
  const set = (change: Partial<PolicyDraft["keyauth"]>) =>
    onChange({ ...draft, keyauth: { ...keyauth, ...change } });
  const setLocation = (index: number, change: Partial<LocationDraft>) =>
    set({
      locations: keyauth.locations.map((other, at) =>
        at === index ? { ...other, ...change } : other,
      ),
    });
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
      <p className="muted">Key locations, tried in order (none: the Authorization bearer token).</p>
      {keyauth.locations.map((location, index) => (
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
            onClick={() => set({ locations: keyauth.locations.filter((_, at) => at !== index) })}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          set({ locations: [...keyauth.locations, { type: "header", name: "", stripPrefix: "" }] })
        }
      >
        Add a key location
      </button>
      <p className="muted">
        Key rate limits (the key's named limits; limit and duration together or neither).
      </p>
      {keyauth.ratelimits.map((limit, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
        <div className="toolbar" key={index}>
          {(["name", "limit", "duration", "cost"] as const).map((field) => (
            <label key={field}>
              Key limit {index + 1} {field === "duration" ? "duration (ms)" : field}
              <input
                className={field === "name" ? "mono" : undefined}
                value={limit[field]}
                onChange={(event) =>
                  set({
                    ratelimits: keyauth.ratelimits.map((other, at) =>
                      at === index ? { ...other, [field]: event.target.value } : other,
                    ),
                  })
                }
              />
            </label>
          ))}
          <button
            type="button"
            className="secondary"
            aria-label={`Remove key limit ${index + 1}`}
            onClick={() => set({ ratelimits: keyauth.ratelimits.filter((_, at) => at !== index) })}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          set({
            ratelimits: [...keyauth.ratelimits, { name: "", limit: "", duration: "", cost: "" }],
          })
        }
      >
        Add a key rate limit
      </button>
    </fieldset>
  );
}
