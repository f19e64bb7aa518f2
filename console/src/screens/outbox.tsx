// Outbox.
export function Outbox(_props: { projectId: string }) {
  return <p class="muted">Coming soon.</p>;
}
