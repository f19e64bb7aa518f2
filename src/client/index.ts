// @edge-auth/client: the typed API client, the session client and the admin client.
export { createApiClient, type ApiClient, type ApiClientOptions } from "./api";
export type { ClientError, Result } from "./result";
export type * from "./types";
export {
  createAuthClient,
  type AuthClient,
  type AuthClientOptions,
  type AuthSession,
  type AuthChangeEvent,
  type AuthStateListener,
} from "./auth";
export type { ConfirmTotpBody, DisableTotpBody, MfaMethods, RegenerateRecoveryCodesBody, VerifyMfaBody } from "./mfa";
export type { PasswordlessMethods, PasswordlessStartBody, PasswordlessVerifyBody } from "./passwordless";
export {
  browserPasskeys,
  type Passkey,
  type PasskeyCredentials,
  type PasskeyMethods,
  type PasskeyCreationOptions,
  type PasskeyRequestOptions,
  type PasskeyRegistrationResponse,
  type PasskeyAuthenticationResponse,
} from "./passkeys";
export type { ConnectedApp, ConnectedAppMethods, RevokeConnectedAppResult } from "./connected-apps";
export { memoryStorage, localStorageAdapter, sessionStorageAdapter, type AuthStorage } from "./storage";
export {
  createAdminClient,
  type AdminClient,
  type AdminClientOptions,
  type AdminListItem,
  type AdminListPath,
  type AdminMfaProof,
  type PaginateParams,
} from "./admin";
