// TOTP flows driven through HTTP; codes come from the `otpauth` library, not from our implementation.
import { Secret, TOTP } from "otpauth";
import { api } from "../helpers/client";
import { bearer, PASSWORD, registerUser } from "../helpers/fixtures";

export const inProject = (projectId: string) => ({ params: { path: { projectId } } });

/** The code of the step `offset` steps from now (by the possibly fake Date). */
export function codeAt(secret: string, offset = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offset * 30_000 });
}

/** Moves a fake clock to the middle of a step, so ±1 step is exactly one step either way. */
export const midStep = (ms: number) => Math.floor(ms / 30_000) * 30_000 + 15_000;

/** A registered user with TOTP turned on (at the current step) and their recovery codes. */
export async function userWithTotp(projectId: string) {
  const u = await registerUser(projectId);
  const user = bearer(u.accessToken);
  const enrolled = await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject(projectId));
  if (!enrolled.data) throw new Error(`enroll failed: ${enrolled.response.status} ${JSON.stringify(enrolled.error)}`);
  const { secret } = enrolled.data.data;
  const confirmed = await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: codeAt(secret) } });
  if (!confirmed.data) throw new Error(`confirm failed: ${confirmed.response.status} ${JSON.stringify(confirmed.error)}`);
  return { ...u, secret, otpauthUrl: enrolled.data.data.otpauthUrl, recoveryCodes: confirmed.data.data.recoveryCodes };
}

export async function loginChallenge(projectId: string, email: string) {
  const { data, error } = await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email, password: PASSWORD } });
  if (!data) throw new Error(`login failed: ${JSON.stringify(error)}`);
  if (!("mfaRequired" in data.data)) throw new Error("expected a challenge, got tokens");
  return data.data;
}

export const verify = (projectId: string, body: { mfaToken: string; code?: string; recoveryCode?: string }) =>
  api.POST("/api/auth/{projectId}/mfa/verify", { ...inProject(projectId), body });
