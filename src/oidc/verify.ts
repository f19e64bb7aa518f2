// Verifying JWTs this project signed (access tokens for revocation and introspection, ID tokens as
// logout hints) against its published keys, as any relying party would.
import type { Context } from "hono";
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { ACCESS_TOKEN_CLOCK_TOLERANCE_S } from "../config";
import { SIGNING_ALG } from "../crypto/keys";
import { now } from "../lib/clock";
import { cachedVerificationKeys } from "../lib/project-cache";
import { issuerOf } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";

// One key set per cached key list (the project cache hands out the same array until it changes),
// so jose imports each key once, not on every introspection, revocation or logout.
const keySets = new WeakMap<readonly unknown[], ReturnType<typeof createLocalJWKSet>>();
function keySetOf(keys: readonly unknown[]): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(keys);
  if (!set) {
    set = createLocalJWKSet({ keys: keys as never });
    keySets.set(keys, set);
  }
  return set;
}

/** The claims of `token` when this project signed it (and, unless `allowExpired`, it has not expired), else null. */
export async function verifyOwnJwt(
  c: Context<AppEnv>,
  token: string,
  expect: { typ: "at+jwt" | "JWT"; audience?: string; allowExpired?: boolean },
): Promise<JWTPayload | null> {
  const project = c.get("project");
  const keys = await cachedVerificationKeys(c.env.DB, project.id);
  try {
    const { payload } = await jwtVerify(token, keySetOf(keys), {
      algorithms: [SIGNING_ALG],
      issuer: issuerOf(c, project.id),
      audience: expect.audience,
      typ: expect.typ,
      clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_S,
      // An expired ID token is still a valid logout hint (RP-Initiated Logout §2).
      currentDate: expect.allowExpired ? new Date(0) : new Date(now()),
      requiredClaims: ["sub", "sid"],
    });
    return typeof payload.sid === "string" && typeof payload.sub === "string" ? payload : null;
  } catch {
    return null;
  }
}
