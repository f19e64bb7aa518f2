// Second factors in the session client: TOTP enrollment and removal, recovery codes, and the
// answer to a sign-in's challenge (stored as a session, like signIn).
import type { ApiClient } from "./api";
import type { fromFetch, Result } from "./result";
import type { AuthResult, Schemas, paths } from "./types";

type JsonBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

export type ConfirmTotpBody = JsonBody<"/api/auth/{projectId}/mfa/totp/confirm", "post">;
export type DisableTotpBody = JsonBody<"/api/auth/{projectId}/mfa/totp", "delete">;
export type VerifyMfaBody = JsonBody<"/api/auth/{projectId}/mfa/verify", "post">;
export type RegenerateRecoveryCodesBody = JsonBody<"/api/auth/{projectId}/mfa/recovery-codes", "post">;

export interface MfaMethods {
  /** Starts TOTP enrollment: `secret` and `otpauthUrl` (show as a QR code) for the user's authenticator app. */
  enrollTotp(): Promise<Result<Schemas["TotpEnrollment"]>>;
  /**
   * Turns TOTP on with a first code; the recovery codes are shown only in this answer. Refreshes the
   * session once afterwards, so its access token carries `otp` (and is no longer restricted under `mfa: "required"`).
   */
  confirmTotp(body: ConfirmTotpBody): Promise<Result<Schemas["RecoveryCodes"]>>;
  /** Turns TOTP off with a current code or a recovery code. */
  disableTotp(body: DisableTotpBody): Promise<Result<Schemas["DisableTotpResult"]>>;
  /** New recovery codes (the old ones stop working), for a current TOTP code. */
  regenerateRecoveryCodes(body: RegenerateRecoveryCodesBody): Promise<Result<Schemas["RecoveryCodes"]>>;
  /** Answers signIn's challenge (`mfaToken` with a TOTP `code` or a `recoveryCode`); the session is stored as by signIn. */
  verifyMfa(body: VerifyMfaBody): Promise<Result<AuthResult>>;
}

export interface MfaDeps {
  /** With bearer and refresh (user routes). */
  api: ApiClient;
  /** Without (public routes). */
  raw: ApiClient;
  inProject: { params: { path: { projectId: string } } };
  run<T>(call: () => Promise<Parameters<typeof fromFetch<T>>[0]>): Promise<Result<T>>;
  store(result: Result<AuthResult>): Promise<Result<AuthResult>>;
  /** Refreshes the stored session now, whatever its expiry. */
  refreshNow(): Promise<unknown>;
}

export function mfaMethods({ api, raw, inProject, run, store, refreshNow }: MfaDeps): MfaMethods {
  return {
    enrollTotp: () => run(() => api.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject)),
    async confirmTotp(body) {
      const result = await run(() => api.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject, body }));
      if (result.data) await refreshNow();
      return result;
    },
    disableTotp: (body) => run(() => api.DELETE("/api/auth/{projectId}/mfa/totp", { ...inProject, body })),
    regenerateRecoveryCodes: (body) => run(() => api.POST("/api/auth/{projectId}/mfa/recovery-codes", { ...inProject, body })),
    verifyMfa: async (body) => store(await run(() => raw.POST("/api/auth/{projectId}/mfa/verify", { ...inProject, body }))),
  };
}
