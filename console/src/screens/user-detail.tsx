// User detail.
export function UserDetail(_props: { projectId: string; userId: string }) {
  return <p class="muted">Coming soon.</p>;
}
