// ID token verification (OIDC Core §3.1.3.7): signature against the provider's JWKS, issuer,
// audience (our client id), authorized party, expiry and our nonce.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { ID_TOKEN_CLOCK_TOLERANCE_S } from "../config";
import { sha256Hex } from "../crypto/random";
import { OAuthFlowError, unavailable } from "./errors";

// Asymmetric only: a provider's keys come from its JWKS, never from our client secret.
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

// One key set per JWKS URL per isolate: keys are cached and refetched when an unknown kid appears.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(jwksUri: string) {
  let set = keySets.get(jwksUri);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    keySets.set(jwksUri, set);
  }
  return set;
}

const rejected = (reason: string, description: string) => new OAuthFlowError("invalid_id_token", `The ID token was rejected: ${description}`, reason);

function explain(err: unknown): OAuthFlowError {
  if (err instanceof OAuthFlowError) return err;
  if (err instanceof errors.JWTExpired) return rejected("id_token_expired", "it has expired");
  if (err instanceof errors.JWTClaimValidationFailed) return rejected(`id_token_${err.claim}`, `its ${err.claim} claim is not valid (${err.reason})`);
  if (err instanceof errors.JWKSTimeout) return unavailable("key set (JWKS)", "timed out");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed)
    return rejected("id_token_signature", "its signature does not verify with the provider's keys");
  if (err instanceof errors.JOSEAlgNotAllowed) return rejected("id_token_alg", "it is not signed with an asymmetric algorithm");
  // Plain JOSEError: the JWKS answered non-200 or not JSON.
  if (err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.constructor === errors.JOSEError))
    return unavailable("key set (JWKS)", "bad response");
  if (err instanceof errors.JOSEError) return rejected("id_token_invalid", "it is not a valid signed JWT");
  // createRemoteJWKSet's own fetch failed: the provider is unreachable.
  return unavailable("key set (JWKS)", "unreachable");
}

export interface IdTokenCheck {
  jwksUri: string;
  issuer: string;
  clientId: string;
  nonceHash: string;
}

/** The verified claims; any failure is an OAuthFlowError saying which check failed. */
export async function verifyIdToken(idToken: string, check: IdTokenCheck): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(idToken, keySet(check.jwksUri), {
      issuer: check.issuer,
      audience: check.clientId,
      algorithms: ALGORITHMS,
      clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_S,
      requiredClaims: ["sub", "exp", "iat"],
    });
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== check.clientId)
      throw rejected("id_token_azp", "it was issued to another party (azp)");
    if (typeof payload.nonce !== "string" || (await sha256Hex(payload.nonce)) !== check.nonceHash)
      throw rejected("nonce_mismatch", "its nonce does not match this sign-in");
    return payload;
  } catch (err) {
    throw explain(err);
  }
}
