import type { z } from "@hono/zod-openapi";
import type { PublicJwk } from "../../crypto/keys";
import type { SigningKeyRow } from "../../db/keys.repo";
import { brandingOf, corsOriginsOf, redirectUrlsOf, webauthnOf, type ProjectRow } from "../../db/projects.repo";
import { RULE_NAMES, overridesOf, ruleFor } from "../../lib/rate-limit";
import type { UpdateProjectRequest } from "../../schemas/project";

/** The API shape of a project (its signing keys are listed separately); rate limits are the effective rules. */
export const toProject = (p: ProjectRow) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  environment: p.environment,
  enabled: p.enabled === 1,
  accessTokenTtl: p.access_token_ttl,
  refreshTokenTtl: p.refresh_token_ttl,
  sessionMaxAge: p.session_max_age,
  includeProfileClaims: p.include_profile_claims === 1,
  mfa: p.mfa_policy,
  webauthn: webauthnOf(p),
  passwordless: p.passwordless === 1,
  allowSignUp: p.allow_sign_up === 1,
  corsOrigins: corsOriginsOf(p),
  redirectUrls: redirectUrlsOf(p),
  rateLimits: Object.fromEntries(RULE_NAMES.map((name) => [name, ruleFor(name, overridesOf(p.rate_limits))])) as Record<
    (typeof RULE_NAMES)[number],
    ReturnType<typeof ruleFor>
  >,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
  auditRetentionDays: p.audit_retention_days,
  branding: brandingOf(p),
});

/** The public JWK fields picked one by one, so nothing else stored with a key can slip out. */
const toPublicJwk = (text: string) => {
  const { kty, crv, x, y, kid, alg, use } = JSON.parse(text) as PublicJwk;
  return { kty: kty as "EC", crv: crv as "P-256", x: x!, y: y!, kid, alg, use };
};

/** The API shape of a signing key: public half and lifecycle only, never the sealed private key. */
export const toSigningKey = (k: SigningKeyRow) => ({
  kid: k.id,
  alg: k.alg as "ES256",
  status: k.status,
  createdAt: k.created_at,
  retiredAt: k.retired_at,
  verifyUntil: k.verify_until,
  publicJwk: toPublicJwk(k.public_jwk),
});

export type ProjectUpdate = z.infer<typeof UpdateProjectRequest>;

/** The fields an update really changes, with their new values, for the audit log (none is secret). */
export function updateDetails(before: ReturnType<typeof toProject>, body: ProjectUpdate): Record<string, unknown> {
  const changed = Object.fromEntries(
    Object.entries(body).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(before[field as keyof typeof before])),
  );
  return { changed: Object.keys(changed), ...changed };
}
