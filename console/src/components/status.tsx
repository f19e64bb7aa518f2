// The states every list and form shares: loading, empty, and an error that shows the request id to quote.
import type { ComponentChildren } from "preact";
import type { ApiFailure } from "../api";

export function Failure({ error }: { error: ApiFailure | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.message}</strong> <code>{error.code}</code>
      {error.requestId ? <div class="muted">Request id: {error.requestId}</div> : null}
    </div>
  );
}

export const Loading = ({ what }: { what: string }) => (
  <p class="muted" aria-live="polite">
    Loading {what}…
  </p>
);

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

/** The value of the input behind an event. */
export const inputValue = (e: Event) => (e.target as HTMLInputElement).value;
export const checkedOf = (e: Event) => (e.target as HTMLInputElement).checked;
