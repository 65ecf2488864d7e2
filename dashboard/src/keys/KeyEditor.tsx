import type { KeyResponseData } from "@unkey/api/models/components";
import { KeyGrants } from "./KeyGrants";
import { KeySettingsForm } from "./KeySettingsForm";

/**
 * The slide-out editor of one key, filled from the list response (no request of its own): its
 * settings and its roles and permissions.
 */
export function KeyEditor(props: {
  apiKey: KeyResponseData;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { apiKey, onClose, onChanged } = props;
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
        <KeySettingsForm
          apiKey={apiKey}
          onSaved={() => {
            onChanged();
            onClose();
          }}
        />
        <KeyGrants apiKey={apiKey} onChanged={onChanged} />
      </div>
    </>
  );
}
