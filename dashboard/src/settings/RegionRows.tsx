import { Field } from "./Field";
import type { FieldErrors, SettingsForm } from "./settings-form";

type Region = SettingsForm["regions"][number];

/** The environment's regions, each with its instance range (minimum and maximum replicas). */
export function RegionRows(props: {
  regions: Region[];
  errors: FieldErrors;
  onChange: (regions: Region[]) => void;
}) {
  const { regions, errors } = props;
  const change = (index: number, patch: Partial<Region>) =>
    props.onChange(regions.map((region, i) => (i === index ? { ...region, ...patch } : region)));
  return (
    <fieldset>
      <legend>Regions and instances</legend>
      {errors.get("regions") && <p className="error field-error">{errors.get("regions")}</p>}
      {regions.map((region, index) => (
        // Regions have no id of their own; the row's place is its identity while editing.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div className="region-row" key={index}>
          <Field
            label={`Region ${index + 1}`}
            name={`regions.${index}.name`}
            error={errors.get(`regions.${index}.name`)}
          >
            {(described) => (
              <input
                {...described}
                value={region.name}
                onChange={(event) => change(index, { name: event.target.value })}
              />
            )}
          </Field>
          <Field
            label={`Minimum instances ${index + 1}`}
            name={`regions.${index}.replicas.min`}
            error={
              errors.get(`regions.${index}.replicas.min`) ?? errors.get(`regions.${index}.replicas`)
            }
          >
            {(described) => (
              <input
                {...described}
                type="number"
                value={region.min}
                onChange={(event) => change(index, { min: event.target.value })}
              />
            )}
          </Field>
          <Field
            label={`Maximum instances ${index + 1}`}
            name={`regions.${index}.replicas.max`}
            error={errors.get(`regions.${index}.replicas.max`)}
          >
            {(described) => (
              <input
                {...described}
                type="number"
                value={region.max}
                onChange={(event) => change(index, { max: event.target.value })}
              />
            )}
          </Field>
          <button
            type="button"
            className="secondary"
            aria-label={`Remove region ${index + 1}`}
            onClick={() => props.onChange(regions.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() => props.onChange([...regions, { name: "", min: "1", max: "1" }])}
      >
        Add region
      </button>
    </fieldset>
  );
}
