// Destructive actions ask first; the gravest (deleting a project) also make the operator type its id.
import { useState } from "../runtime";
import { inputValue } from "./status";

interface ConfirmProps {
  label: string;
  question: string;
  onConfirm: () => void | Promise<void>;
  /** When set, the confirm button stays disabled until this exact text is typed. */
  typed?: string;
}

export function ConfirmButton({ label, question, onConfirm, typed }: ConfirmProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  const id = `confirm-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <fieldset class="confirm">
      <legend>{question}</legend>
      {typed ? (
        <div class="field">
          <label for={id}>Type {typed} to confirm</label>
          <input id={id} value={text} autocomplete="off" onInput={(e: Event) => setText(inputValue(e))} />
        </div>
      ) : null}
      <button
        type="button"
        class="danger"
        disabled={busy || (typed !== undefined && text !== typed)}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setOpen(false);
            setText("");
          }
        }}
      >
        Confirm: {label}
      </button>{" "}
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </fieldset>
  );
}
