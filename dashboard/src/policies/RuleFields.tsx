import { KeyauthFields } from "./KeyauthFields";
import type { PolicyDraft } from "./policy-draft";
import { RatelimitFields } from "./RatelimitFields";

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
