// Email templates.
export function Templates(_props: { projectId: string }) {
  return <p class="muted">Coming soon.</p>;
}
