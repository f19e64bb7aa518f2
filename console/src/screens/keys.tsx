// Signing keys (list, rotate).
export function Keys(_props: { projectId: string }) {
  return <p class="muted">Coming soon.</p>;
}
