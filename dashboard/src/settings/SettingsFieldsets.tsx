import { Field } from "./Field";
import type { FieldErrors, SettingsForm as Form } from "./settings-form";

interface FieldsetProps {
  form: Form;
  errors: FieldErrors;
  set: <K extends keyof Form>(key: K, value: Form[K]) => void;
}

/** Build (root directory, Dockerfile, watch paths) and runtime (size, port, protocol). */
export function BuildAndRuntimeFields({ form, errors, set }: FieldsetProps) {
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
    <>
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
    </>
  );
}

/** The health check: off, or a method and path with an optional interval. */
export function HealthcheckFields({ form, errors, set }: FieldsetProps) {
  return (
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
          <Field label="Method" name="healthcheck.method" error={errors.get("healthcheck.method")}>
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
  );
}
