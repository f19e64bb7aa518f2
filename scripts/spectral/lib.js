// Helpers shared by the custom Spectral functions of .spectral.yaml (bundled by Spectral, not a rule itself).

/** Security requirements in force: the operation's own `security`, else the document's. */
export function effectiveSecurity(operation, context) {
  const security = operation.security ?? context.document.data?.security ?? [];
  return Array.isArray(security) ? security : [];
}

/** Whether any requirement names a scheme (`[]` and `[{}]` mean anonymous access). */
export function requiresAuth(security) {
  return security.some((requirement) => requirement && Object.keys(requirement).length > 0);
}
