import { useMutation } from "@tanstack/react-query";
import { environmentsUpdateSettings } from "@unkey/api/funcs/environmentsUpdateSettings.js";
import type { Environment } from "@unkey/api/models/components";
import { useState } from "react";
import { ApiError } from "../api/api-error";
import { sdk, unwrap } from "../api/sdk";
import { ErrorNote } from "../ui/ErrorNote";
import { RegionRows } from "./RegionRows";
import { BuildAndRuntimeFields, HealthcheckFields } from "./SettingsFieldsets";
import {
  type FieldErrors,
  type SettingsForm as Form,
  fieldErrorsByName,
  formFromEnvironment,
  settingsUpdate,
} from "./settings-form";

type Scope = { project: string; app: string; environment: string };

/**
 * Build and runtime settings of one environment, saved together through
 * `environments.updateSettings` (only the changed fields); the API's field errors are shown
 * beside their fields.
 */
export function SettingsForm(props: {
  scope: Scope;
  environment: Environment;
  onSaved: () => Promise<unknown>;
}) {
  const saved = formFromEnvironment(props.environment);
  const [form, setForm] = useState<Form>(saved);
  const [errors, setErrors] = useState<FieldErrors>(new Map());
  const [savedNote, setSavedNote] = useState(false);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setSavedNote(false);
    setForm((current) => ({ ...current, [key]: value }));
  };

  const save = useMutation({
    mutationFn: async () => {
      const { update, errors: local } = settingsUpdate(saved, form);
      if (local.size > 0) {
        setErrors(local);
        throw new ApiError(400, "Some fields are not numbers.");
      }
      await unwrap(environmentsUpdateSettings(sdk, { ...props.scope, ...update }));
    },
    onMutate: () => setErrors(new Map()),
    onSuccess: async () => {
      await props.onSaved();
      setSavedNote(true);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.fieldErrors.length > 0) {
        setErrors(fieldErrorsByName(error.fieldErrors));
      }
    },
  });
  return (
    <form
      className="settings-form"
      aria-label="Settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <BuildAndRuntimeFields form={form} errors={errors} set={set} />
      <HealthcheckFields form={form} errors={errors} set={set} />
      <RegionRows
        regions={form.regions}
        errors={errors}
        onChange={(regions) => set("regions", regions)}
      />
      <div className="toolbar">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </button>
        {savedNote && (
          <span className="notice" role="status">
            Saved. New deployments use these settings.
          </span>
        )}
      </div>
      <ErrorNote error={save.error} />
    </form>
  );
}
