// Passkeys in the session client: each ceremony fetches its options, hands them to the authenticator
// (navigator.credentials in a browser, or the `passkeys` option: tests, native shells) and sends the
// credential back. Failures of the authenticator itself (no WebAuthn, the user cancelled) answer
// `WEBAUTHN_ERROR` with status 0, never a throw.
import type { ApiClient } from "./api";
import { type Result, fail } from "./result";
import type { AuthResult, Schemas } from "./types";

export type Passkey = Schemas["Passkey"];
export type PasskeyCreationOptions = Schemas["PasskeyCreationOptions"];
export type PasskeyRequestOptions = Schemas["PasskeyRequestOptions"];
export type PasskeyRegistrationResponse = Schemas["PasskeyRegistrationResponse"];
export type PasskeyAuthenticationResponse = Schemas["PasskeyAuthenticationResponse"];

/** What performs the WebAuthn ceremonies: options JSON in, the credential's `toJSON()` out. */
export interface PasskeyCredentials {
  create(options: PasskeyCreationOptions): Promise<PasskeyRegistrationResponse>;
  get(options: PasskeyRequestOptions): Promise<PasskeyAuthenticationResponse>;
}

export interface PasskeyMethods {
  /** Registers a passkey for the signed-in user (a restricted session may too); refresh once afterwards for an unrestricted token. */
  addPasskey(options?: { name?: string }): Promise<Result<Passkey>>;
  /** Signs in with a discoverable passkey (no email) and stores the session. */
  signInWithPasskey(): Promise<Result<AuthResult>>;
  listPasskeys(): Promise<Result<Passkey[]>>;
  renamePasskey(passkeyId: string, name: string): Promise<Result<Passkey>>;
  removePasskey(passkeyId: string): Promise<Result<{ removed: true }>>;
}

interface JsonCredential {
  toJSON(): unknown;
}
interface WebAuthnGlobals {
  PublicKeyCredential?: { parseCreationOptionsFromJSON?(o: unknown): unknown; parseRequestOptionsFromJSON?(o: unknown): unknown };
  navigator?: { credentials?: { create(o: unknown): Promise<JsonCredential | null>; get(o: unknown): Promise<JsonCredential | null> } };
}

/** navigator.credentials through the JSON helpers of WebAuthn Level 3, or null where the runtime lacks them. */
export function browserPasskeys(): PasskeyCredentials | null {
  const g = globalThis as WebAuthnGlobals;
  const pkc = g.PublicKeyCredential;
  const credentials = g.navigator?.credentials;
  if (!pkc?.parseCreationOptionsFromJSON || !pkc.parseRequestOptionsFromJSON || !credentials) return null;
  const done = <T>(credential: JsonCredential | null) => {
    if (!credential) throw new Error("The authenticator returned no credential");
    return credential.toJSON() as T;
  };
  return {
    create: async (options) => done(await credentials.create({ publicKey: pkc.parseCreationOptionsFromJSON!(options) })),
    get: async (options) => done(await credentials.get({ publicKey: pkc.parseRequestOptionsFromJSON!(options) })),
  };
}

type Run = <T>(call: () => Promise<{ data?: { data: T }; error?: { error: string; code: Schemas["ErrorCode"] }; response: Response }>) => Promise<Result<T>>;

/** The passkey methods of an AuthClient: `api` adds the bearer, `raw` is for public routes, `store` keeps a session. */
export function passkeyMethods(deps: {
  projectId: string;
  api: ApiClient;
  raw: ApiClient;
  run: Run;
  store: (result: Result<AuthResult>) => Promise<Result<AuthResult>>;
  credentials?: PasskeyCredentials;
}): PasskeyMethods {
  const { projectId, api, raw, run } = deps;
  const inProject = { params: { path: { projectId } } };
  const authenticator = () => deps.credentials ?? browserPasskeys();
  async function ceremony<O, R>(perform: ((o: O) => Promise<R>) | undefined, options: O): Promise<Result<R>> {
    if (!perform)
      return fail({ status: 0, code: "WEBAUTHN_ERROR", message: "WebAuthn is not available here: pass `passkeys` to createAuthClient", requestId: null });
    try {
      return { data: await perform(options), error: null };
    } catch (err) {
      // NotAllowedError: the user cancelled or the ceremony timed out; InvalidStateError: already registered here.
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return fail({ status: 0, code: "WEBAUTHN_ERROR", message, requestId: null });
    }
  }
  return {
    async addPasskey(options = {}) {
      const creation = await run(() => api.POST("/api/auth/{projectId}/passkeys/register/options", inProject));
      if (creation.error) return creation;
      const a = authenticator();
      const response = await ceremony(a ? (o: PasskeyCreationOptions) => a.create(o) : undefined, creation.data);
      if (response.error) return response;
      return run(() => api.POST("/api/auth/{projectId}/passkeys/register/verify", { ...inProject, body: { response: response.data, name: options.name } }));
    },
    async signInWithPasskey() {
      const start = await run(() => raw.POST("/api/auth/{projectId}/passkeys/login/options", inProject));
      if (start.error) return start;
      const a = authenticator();
      const response = await ceremony(a ? (o: PasskeyRequestOptions) => a.get(o) : undefined, start.data.options);
      if (response.error) return response;
      const body = { challengeId: start.data.challengeId, response: response.data };
      return deps.store(await run(() => raw.POST("/api/auth/{projectId}/passkeys/login/verify", { ...inProject, body })));
    },
    listPasskeys: () => run(() => api.GET("/api/auth/{projectId}/passkeys", inProject)),
    renamePasskey: (passkeyId, name) =>
      run(() => api.PATCH("/api/auth/{projectId}/passkeys/{passkeyId}", { params: { path: { projectId, passkeyId } }, body: { name } })),
    removePasskey: (passkeyId) => run(() => api.DELETE("/api/auth/{projectId}/passkeys/{passkeyId}", { params: { path: { projectId, passkeyId } } })),
  };
}
