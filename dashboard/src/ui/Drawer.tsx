import type { ReactNode, Ref } from "react";

/**
 * The slide-out panel every editor and detail view uses: a modal dialog labelled by its title,
 * closed by Escape, the Close button or a click on the backdrop.
 */
export function Drawer(props: {
  titleId: string;
  title: ReactNode;
  titleClassName?: string;
  onClose: () => void;
  closeButtonRef?: Ref<HTMLButtonElement>;
  children: ReactNode;
}) {
  return (
    <>
      <div className="drawer-backdrop" aria-hidden="true" onClick={props.onClose} />
      <div
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={props.titleId}
        onKeyDown={(event) => {
          if (event.key === "Escape") props.onClose();
        }}
      >
        <header>
          <h2 id={props.titleId} className={props.titleClassName}>
            {props.title}
          </h2>
          <button
            ref={props.closeButtonRef}
            type="button"
            className="secondary"
            onClick={props.onClose}
          >
            Close
          </button>
        </header>
        {props.children}
      </div>
    </>
  );
}
