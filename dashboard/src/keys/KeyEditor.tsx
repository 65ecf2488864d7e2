import type { KeyResponseData } from "@unkey/api/models/components";
import { Drawer } from "../ui/Drawer";
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
    <Drawer
      titleId="key-editor-title"
      title={<>Edit key {apiKey.name ?? apiKey.keyId}</>}
      onClose={onClose}
    >
      <KeySettingsForm
        apiKey={apiKey}
        onSaved={() => {
          onChanged();
          onClose();
        }}
      />
      <KeyGrants apiKey={apiKey} onChanged={onChanged} />
    </Drawer>
  );
}
