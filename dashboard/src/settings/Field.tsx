import type { ReactNode } from "react";

/**
 * A labelled input with the API's message for it underneath, tied to the input for screen
 * readers (`aria-describedby`, `aria-invalid`).
 */
export function Field(props: {
  label: string;
  name: string;
  error: string | undefined;
  hint?: string;
  children: (described: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby"?: string;
  }) => ReactNode;
}) {
  const id = `field-${props.name.replaceAll(".", "-")}`;
  const messageId = `${id}-message`;
  const describedBy = props.error || props.hint ? messageId : undefined;
  return (
    <div className="field" data-invalid={props.error ? "" : undefined}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        "aria-invalid": Boolean(props.error),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {props.error ? (
        <span id={messageId} className="error field-error">
          {props.error}
        </span>
      ) : props.hint ? (
        <span id={messageId} className="muted field-hint">
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}
