// Users.
export function Users(_props: { projectId: string }) {
  return <p class="muted">Coming soon.</p>;
}
