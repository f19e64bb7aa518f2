// Connected apps in the session client: the third-party apps the user allowed on the consent
// screen, and revoking one (which signs that app out). Only the user's own session may do this.
import type { ApiClient } from "./api";
import type { Result } from "./result";
import type { Schemas } from "./types";

export type ConnectedApp = Schemas["ConnectedApp"];
export type RevokeConnectedAppResult = Schemas["RevokeConsentResult"];

export interface ConnectedAppMethods {
  /** The third-party apps the user consented to, newest first, with the scopes granted. */
  listConnectedApps(): Promise<Result<ConnectedApp[]>>;
  /** Withdraws the consent and ends the app's sessions (`endedSessions`); `NOT_FOUND` when there is none for `clientId`. */
  revokeConnectedApp(clientId: string): Promise<Result<RevokeConnectedAppResult>>;
}

type Run = <T>(call: () => Promise<{ data?: { data: T }; error?: { error: string; code: Schemas["ErrorCode"] }; response: Response }>) => Promise<Result<T>>;

/** The connected-app methods of an AuthClient: `api` adds the bearer. */
export function connectedAppMethods(deps: { projectId: string; api: ApiClient; run: Run }): ConnectedAppMethods {
  const { projectId, api, run } = deps;
  return {
    listConnectedApps: () => run(() => api.GET("/api/auth/{projectId}/me/consents", { params: { path: { projectId } } })),
    revokeConnectedApp: (clientId) => run(() => api.DELETE("/api/auth/{projectId}/me/consents/{clientId}", { params: { path: { projectId, clientId } } })),
  };
}
