// Access tokens: short-lived ES256 JWTs, one issuer and audience per project.
import { SignJWT, decodeProtectedHeader, errors, jwtVerify } from "jose";
import { ACCESS_TOKEN_CLOCK_TOLERANCE_S } from "../config";
import { SIGNING_ALG } from "./keys";

export interface AccessClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  /** How the session was signed in (see lib/amr.ts); tokens issued before 0.4.0 have none. */
  amr?: string[];
  /** "mfa_enrollment": the project requires a second factor and this session has none yet; it may only enroll one. */
  restricted?: string;
  /** Tokens issued at the OpenID Provider's token endpoint: the client (also as azp) and the granted scope. */
  client_id?: string;
  azp?: string;
  scope?: string;
}

/** Claims about the user that let a resource server authorise without calling us (left out when the project's includeProfileClaims is false). */
export interface ProfileClaims {
  email: string;
  email_verified: boolean;
  app_metadata: Record<string, unknown>;
}

/** Who issued a JWT, for whom, about whom, and for how long: the registered claims every token we sign carries. */
export interface RegisteredClaims {
  issuer: string;
  audience: string;
  subject: string;
  /** Epoch ms; `iat` is its second, `exp` that plus `ttlSeconds`. */
  now: number;
  ttlSeconds: number;
}

/** The one way this service signs a JWT: ES256 with the project's key `kid`, typed `typ`. */
export function signJwt(key: CryptoKey, kid: string, typ: string, registered: RegisteredClaims, payload: Record<string, unknown>): Promise<string> {
  const iat = Math.floor(registered.now / 1000);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ })
    .setIssuer(registered.issuer)
    .setAudience(registered.audience)
    .setSubject(registered.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + registered.ttlSeconds)
    .sign(key);
}

export async function signAccessToken(
  key: CryptoKey,
  kid: string,
  claims: {
    issuer: string;
    projectId: string;
    userId: string;
    sessionId: string;
    ttlSeconds: number;
    now: number;
    amr: readonly string[];
    restricted?: string | null;
    profile?: Partial<ProfileClaims> | null;
    /** A token issued to an OAuth client (RFC 9068): its client_id (also as azp) and the granted scope. */
    client?: { id: string; scope: string } | null;
  },
): Promise<string> {
  const restricted = claims.restricted ? { restricted: claims.restricted } : {};
  const client = claims.client ? { client_id: claims.client.id, azp: claims.client.id, scope: claims.client.scope } : {};
  const registered = { issuer: claims.issuer, audience: claims.projectId, subject: claims.userId, now: claims.now, ttlSeconds: claims.ttlSeconds };
  return signJwt(key, kid, "at+jwt", registered, { sid: claims.sessionId, amr: [...claims.amr], ...restricted, ...client, ...claims.profile });
}

/** The kid in a compact JWS header, or null when the token is not a JWS at all. */
export function tokenKid(token: string): string | null {
  try {
    const { kid, alg } = decodeProtectedHeader(token);
    return alg === SIGNING_ALG && typeof kid === "string" ? kid : null;
  } catch {
    return null;
  }
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: "expired" | "invalid" };

export async function verifyAccessToken(token: string, key: CryptoKey, expected: { issuer: string; projectId: string; now: number }): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [SIGNING_ALG],
      issuer: expected.issuer,
      audience: expected.projectId,
      typ: "at+jwt",
      clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_S,
      currentDate: new Date(expected.now),
      requiredClaims: ["sub", "sid", "iat", "exp"],
    });
    if (typeof payload.sid !== "string" || typeof payload.sub !== "string") return { ok: false, reason: "invalid" };
    return { ok: true, claims: payload as unknown as AccessClaims };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}
