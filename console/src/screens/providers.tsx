// Social providers.
export function Providers(_props: { projectId: string }) {
  return <p class="muted">Coming soon.</p>;
}
