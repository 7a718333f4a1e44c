import { type ReactNode, useId, useRef } from 'react';

/**
 * A button for what cannot be undone: it asks first, in a modal <dialog> (focus moves into it,
 * Escape cancels, Cancel comes first so Enter does not destroy by accident).
 */
export function ConfirmButton(props: { label: string; accessibleLabel?: string; question: string; children: ReactNode; confirm: string; onConfirm: () => void; disabled?: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className="danger" aria-label={props.accessibleLabel} disabled={props.disabled} onClick={() => dialog.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <h2 id={titleId}>{props.question}</h2>
        {props.children}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              dialog.current?.close();
              props.onConfirm();
            }}
          >
            {props.confirm}
          </button>
        </div>
      </dialog>
    </>
  );
}
