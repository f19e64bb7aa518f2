// A labelled form field that shows the server's VALIDATION_ERROR message for it right below.
import type { HTMLInputTypeAttribute } from "preact";
import { inputValue } from "./status";

// Preact types each input type with its own allowed roles; a field of any type has none (hence the one cast below).
interface FieldProps {
  label: string;
  name: string;
  value: string;
  onValue: (value: string) => void;
  error?: string;
  type?: HTMLInputTypeAttribute;
  required?: boolean;
  hint?: string;
  multiline?: boolean;
  autocomplete?: string;
}

export function Field({ label, name, value, onValue, error, type = "text", required, hint, multiline, autocomplete }: FieldProps) {
  const id = `field-${name}`;
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, name, required, "aria-invalid": error ? true : undefined, "aria-describedby": described };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={4} value={value} onInput={(e: Event) => onValue(inputValue(e))} />
      ) : (
        <input {...common} type={type as "text"} value={value} autocomplete={autocomplete} onInput={(e: Event) => onValue(inputValue(e))} />
      )}
      {hint ? (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}
