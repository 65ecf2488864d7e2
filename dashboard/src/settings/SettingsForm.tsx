import { useMutation } from "@tanstack/react-query";
import { environmentsUpdateSettings } from "@unkey/api/funcs/environmentsUpdateSettings.js";
import type { Environment } from "@unkey/api/models/components";
import { useState } from "react";
import { ApiError } from "../api/api-error";
import { sdk, unwrap } from "../api/sdk";
import { ErrorNote } from "../ui/ErrorNote";
import { Field } from "./Field";
import { RegionRows } from "./RegionRows";
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
  const text = (key: keyof Form, label: string, options: { hint?: string; type?: string } = {}) => (
    <Field
      label={label}
      name={key}
      error={errors.get(key)}
      {...(options.hint ? { hint: options.hint } : {})}
    >
      {(described) => (
        <input
          {...described}
          type={options.type ?? "text"}
          step="any"
          value={form[key] as string}
          onChange={(event) => set(key, event.target.value as never)}
        />
      )}
    </Field>
  );

  return (
    <form
      className="settings-form"
      aria-label="Settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <fieldset>
        <legend>Build</legend>
        {text("rootDirectory", "Root directory", {
          hint: "Relative to the repository, e.g. '.' or 'services/api'.",
        })}
        {text("dockerfile", "Dockerfile path", {
          hint: "Empty: Dockerfile in the root directory.",
        })}
        <Field
          label="Watch paths"
          name="watchPaths"
          error={errors.get("watchPaths")}
          hint="One glob per line; a push changing none of them is skipped."
        >
          {(described) => (
            <textarea
              {...described}
              rows={3}
              value={form.watchPaths}
              onChange={(event) => set("watchPaths", event.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <fieldset>
        <legend>Runtime</legend>
        {text("vCpus", "CPU (vCPUs)", { type: "number", hint: "0.25 to 16, in steps of 0.25." })}
        {text("memoryMib", "Memory (MiB)", {
          type: "number",
          hint: "256 to 32768, in steps of 256.",
        })}
        {text("storageMib", "Storage (MiB)", {
          type: "number",
          hint: "0 to 10240, in steps of 512.",
        })}
        {text("port", "Port", { type: "number" })}
        <Field
          label="Upstream protocol"
          name="upstreamProtocol"
          error={errors.get("upstreamProtocol")}
        >
          {(described) => (
            <select
              {...described}
              value={form.upstreamProtocol}
              onChange={(event) =>
                set("upstreamProtocol", event.target.value as Form["upstreamProtocol"])
              }
            >
              <option value="http1">HTTP/1.1</option>
              <option value="h2c">HTTP/2 cleartext (h2c)</option>
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset>
        <legend>Health check</legend>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.healthcheckEnabled}
            onChange={(event) => set("healthcheckEnabled", event.target.checked)}
          />
          Check the app's health
        </label>
        {form.healthcheckEnabled && (
          <>
            <Field
              label="Method"
              name="healthcheck.method"
              error={errors.get("healthcheck.method")}
            >
              {(described) => (
                <select
                  {...described}
                  value={form.healthcheckMethod}
                  onChange={(event) =>
                    set("healthcheckMethod", event.target.value as Form["healthcheckMethod"])
                  }
                >
                  <option>GET</option>
                  <option>POST</option>
                </select>
              )}
            </Field>
            <Field
              label="Health check path"
              name="healthcheck.path"
              error={errors.get("healthcheck.path")}
            >
              {(described) => (
                <input
                  {...described}
                  value={form.healthcheckPath}
                  onChange={(event) => set("healthcheckPath", event.target.value)}
                />
              )}
            </Field>
            <Field
              label="Interval (seconds)"
              name="healthcheck.intervalSeconds"
              error={errors.get("healthcheck.intervalSeconds")}
            >
              {(described) => (
                <input
                  {...described}
                  type="number"
                  value={form.healthcheckIntervalSeconds}
                  onChange={(event) => set("healthcheckIntervalSeconds", event.target.value)}
                />
              )}
            </Field>
          </>
        )}
      </fieldset>
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
