// Admins.
export function Admins(_props: object) {
  return <p class="muted">Coming soon.</p>;
}
