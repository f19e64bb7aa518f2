// Audit log.
export function AuditLog(_props: object) {
  return <p class="muted">Coming soon.</p>;
}
