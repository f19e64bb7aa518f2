// Account.
export function Account(_props: object) {
  return <p class="muted">Coming soon.</p>;
}
