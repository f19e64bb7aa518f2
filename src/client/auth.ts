// The session client: sign-in calls, tokens kept in a pluggable storage, refreshed before they expire
// (single-flight per storage key), 401 TOKEN_EXPIRED answered by one refresh and a replay, and auth
// state events, also from other tabs sharing the storage. Every call answers { data, error }.
import type { Middleware } from "openapi-fetch";
import { type ApiClient, createApiClient } from "./api";
import { type ConnectedAppMethods, connectedAppMethods } from "./connected-apps";
import { type MfaMethods, mfaMethods } from "./mfa";
import { passwordlessMethods, type PasswordlessMethods } from "./passwordless";
import { type PasskeyCredentials, type PasskeyMethods, passkeyMethods } from "./passkeys";
import { codeChallengeS256, createCodeVerifier } from "./pkce";
import { type ClientError, type Result, fail, fromFetch, networkError, ok } from "./result";
import { type AuthStorage, memoryStorage } from "./storage";
import type { AuthResult, Profile, Schemas, Session, SignInResult, User, paths } from "./types";

type JsonBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

export type SignUpBody = JsonBody<"/api/auth/{projectId}/register", "post">;
export type SignInBody = JsonBody<"/api/auth/{projectId}/login", "post">;
export type UpdateUserBody = JsonBody<"/api/auth/{projectId}/me", "patch">;
export type ChangePasswordBody = JsonBody<"/api/auth/{projectId}/me/password", "post">;
export type PasswordResetRequestBody = JsonBody<"/api/auth/{projectId}/password/forgot", "post">;
export type ResetPasswordBody = JsonBody<"/api/auth/{projectId}/password/reset", "post">;
export type SendVerificationEmailBody = JsonBody<"/api/auth/{projectId}/verify-email/send", "post">;
export type ConfirmEmailBody = JsonBody<"/api/auth/{projectId}/verify-email/confirm", "post">;

/** What the client keeps in storage (JSON under `edge-auth.<projectId>.session`). */
export interface AuthSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token expires, by this device's clock at receipt. */
  expiresAt: number;
  /** The access token's lifetime in seconds, as the server said. */
  expiresIn: number;
  /** The user as of sign-in; `getUser()` asks the server for the current profile. */
  user: User | null;
}

export type AuthChangeEvent = "SIGNED_IN" | "TOKEN_REFRESHED" | "SIGNED_OUT";
export type AuthStateListener = (event: AuthChangeEvent, session: AuthSession | null) => void;

export interface AuthClientOptions {
  /** Where the service runs, e.g. https://auth.example.com */
  baseUrl: string;
  projectId: string;
  /** Where tokens live; memory by default. See localStorageAdapter() / sessionStorageAdapter(). */
  storage?: AuthStorage;
  /** A fetch to use instead of the global one (tests, service bindings). Always called with a Request. */
  fetch?: (request: Request) => Promise<Response>;
  /** What performs passkey ceremonies; navigator.credentials by default (where the runtime has WebAuthn). */
  passkeys?: PasskeyCredentials;
}

export interface AuthClient extends MfaMethods, PasswordlessMethods, PasskeyMethods, ConnectedAppMethods {
  signUp(body: SignUpBody): Promise<Result<AuthResult>>;
  /** Tokens are stored when the answer is a session; a user with a second factor gets the challenge instead (`"mfaRequired" in data`). */
  signIn(body: SignInBody): Promise<Result<SignInResult>>;
  /** Ends the session at the server and forgets it here (also when the server cannot be reached). */
  signOut(): Promise<Result<{ loggedOut: true }>>;
  getUser(): Promise<Result<Profile>>;
  updateUser(body: UpdateUserBody): Promise<Result<Profile>>;
  changePassword(body: ChangePasswordBody): Promise<Result<Schemas["ChangePasswordResult"]>>;
  listSessions(): Promise<Result<Session[]>>;
  /** Ends one of the user's sessions; ending the current one signs this client out. */
  endSession(sessionId: string): Promise<Result<Schemas["EndSessionResult"]>>;
  requestPasswordReset(body: PasswordResetRequestBody): Promise<Result<Schemas["ForgotPasswordResult"]>>;
  resetPassword(body: ResetPasswordBody): Promise<Result<Schemas["ResetPasswordResult"]>>;
  sendVerificationEmail(body: SendVerificationEmailBody): Promise<Result<Schemas["SendVerificationEmailResult"]>>;
  confirmEmail(body: ConfirmEmailBody): Promise<Result<Schemas["ConfirmEmailResult"]>>;
  /** The URL to send the browser to for a social sign-in; keeps the PKCE verifier in storage for exchangeOAuthCode. */
  oauthAuthorizeUrl(options: { provider: string; redirectUri: string; state?: string }): Promise<string>;
  /** Trades the `code` your redirect URI received (with the stored verifier) for a session. */
  exchangeOAuthCode(code: string): Promise<Result<SignInResult>>;
  /** A valid access token (refreshed first when it expires within 30 s), or null when signed out or the refresh failed. */
  getAccessToken(): Promise<string | null>;
  /** The stored session as it is (no refresh), or null. */
  getSession(): Promise<AuthSession | null>;
  onAuthStateChange(listener: AuthStateListener): () => void;
  /** The typed client for every route, with the bearer header and the refresh-and-replay added. */
  api: ApiClient;
}

const MAX_REFRESH_MARGIN_MS = 30_000;
// What /refresh answers when the session is over for good: forget it and say SIGNED_OUT.
const SESSION_OVER: ReadonlySet<ClientError["code"]> = new Set(["REFRESH_TOKEN_REUSED", "INVALID_TOKEN", "TOKEN_EXPIRED", "USER_DISABLED"]);
// Auth routes that take no bearer: no refresh is started for them.
const PUBLIC_ROUTES = new Set(
  ["register", "login", "refresh", "logout", "oauth/token", "password/forgot", "password/reset", "verify-email/confirm", "mfa/verify"].map(
    (p) => `/api/auth/{projectId}/${p}`,
  ),
);

// One refresh at a time per storage and key, shared by every client in this JS context using them.
interface Hub {
  flight: Promise<Result<AuthSession | null>> | null;
  clients: Set<() => Promise<void>>;
}
const hubs = new WeakMap<AuthStorage, Map<string, Hub>>();
function hubOf(storage: AuthStorage, key: string): Hub {
  const byKey = hubs.get(storage) ?? new Map<string, Hub>();
  hubs.set(storage, byKey);
  const hub = byKey.get(key) ?? { flight: null, clients: new Set() };
  byKey.set(key, hub);
  return hub;
}

/** The JWT's payload claims, or {} for anything that is not a JWT (never verified: only read). */
function claimsOf(token: string): { sub?: string; sid?: string; exp?: number } {
  try {
    const part = token.split(".")[1] ?? "";
    return JSON.parse(
      atob(
        part
          .replace(/-/g, "+")
          .replace(/_/g, "/")
          .padEnd(Math.ceil(part.length / 4) * 4, "="),
      ),
    );
  } catch {
    return {};
  }
}

const refreshMargin = (s: AuthSession) => Math.min(MAX_REFRESH_MARGIN_MS, (s.expiresIn * 1000) / 2);
const isExpiring = (s: AuthSession) => Date.now() >= s.expiresAt - refreshMargin(s);

const toSession = (pair: { accessToken: string; refreshToken: string; expiresIn: number }, user: User | null): AuthSession => ({
  accessToken: pair.accessToken,
  refreshToken: pair.refreshToken,
  expiresIn: pair.expiresIn,
  // expiresIn by the local clock survives a skewed device clock; the token's exp is the fallback.
  expiresAt: Number.isFinite(pair.expiresIn) ? Date.now() + pair.expiresIn * 1000 : (claimsOf(pair.accessToken).exp ?? 0) * 1000,
  user,
});

interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: unknown) => void) | null;
  unref?: () => void;
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const { projectId } = options;
  const storage = options.storage ?? memoryStorage();
  const key = `edge-auth.${projectId}.session`;
  const pkceKey = `edge-auth.${projectId}.pkce`;
  const doFetch = options.fetch ?? ((request: Request) => fetch(request));
  const raw = createApiClient({ baseUrl: options.baseUrl, fetch: doFetch });
  const inProject = { params: { path: { projectId } } };
  const hub = hubOf(storage, key);
  const listeners = new Set<AuthStateListener>();
  // The access token the listeners last heard about; undefined until the first read.
  let lastSeen: string | null | undefined;

  async function read(): Promise<AuthSession | null> {
    const text = await storage.get(key);
    if (!text) return null;
    try {
      const s = JSON.parse(text) as AuthSession;
      return typeof s?.accessToken === "string" && typeof s.refreshToken === "string" ? s : null;
    } catch {
      return null;
    }
  }

  function emit(event: AuthChangeEvent, session: AuthSession | null) {
    lastSeen = session?.accessToken ?? null;
    for (const listener of [...listeners]) {
      try {
        listener(event, session);
      } catch (err) {
        // A listener's bug must not break the client's own bookkeeping; surface it asynchronously.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Tells listeners what changed in storage since they last heard (another client or tab wrote it). */
  async function sync() {
    // Runs unawaited (events, other clients): a failing storage must not become an unhandled rejection.
    const s = await read().catch(() => undefined);
    if (s === undefined) return;
    const token = s?.accessToken ?? null;
    if (token === lastSeen) return;
    if (lastSeen === undefined) {
      lastSeen = token;
      return;
    }
    const sameUser = lastSeen !== null && s !== null && claimsOf(lastSeen).sub === claimsOf(s.accessToken).sub;
    emit(s === null ? "SIGNED_OUT" : sameUser ? "TOKEN_REFRESHED" : "SIGNED_IN", s);
  }

  // Other tabs: BroadcastChannel where the runtime has one (browsers, Node, Deno), and the storage
  // event of localStorage. Both only trigger sync(), which reads storage, so a double signal is harmless.
  let channel: ChannelLike | null = null;
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  if (typeof Channel === "function") {
    try {
      channel = new Channel(`edge-auth:${key}`);
      channel.onmessage = () => void sync();
      channel.unref?.(); // Node: an open channel must not keep the process alive
    } catch {
      channel = null;
    }
  }
  const win = (globalThis as { window?: { addEventListener?: (type: string, cb: (e: { key: string | null }) => void) => void } }).window;
  win?.addEventListener?.("storage", (e) => {
    if (e.key === key || e.key === null) void sync();
  });
  hub.clients.add(sync);
  void sync();

  /** Emits here, and lets every other client of this storage (here and in other tabs) catch up. */
  function changed(event: AuthChangeEvent, session: AuthSession | null) {
    emit(event, session);
    for (const other of hub.clients) if (other !== sync) void other();
    channel?.postMessage({ event });
  }

  async function store<T extends SignInResult>(result: Result<T>): Promise<Result<T>> {
    if (result.data && "accessToken" in result.data) {
      const session = toSession(result.data, result.data.user);
      await storage.set(key, JSON.stringify(session));
      changed("SIGNED_IN", session);
    }
    return result;
  }

  async function forget(event: boolean) {
    await storage.remove(key);
    if (event) changed("SIGNED_OUT", null);
  }

  /**
   * One POST /refresh for everyone waiting. Re-reads storage first: another client or tab may have
   * refreshed already. `failed` is an access token the server rejected although it looked valid here.
   */
  async function runRefresh(failed?: string): Promise<Result<AuthSession | null>> {
    const s = await read();
    if (!s) return ok(null);
    if (s.accessToken !== failed && !isExpiring(s)) return ok(s);
    let result: Result<Schemas["TokenPair"]>;
    try {
      result = fromFetch(await raw.POST("/api/auth/{projectId}/refresh", { ...inProject, body: { refreshToken: s.refreshToken } }));
    } catch (err) {
      return networkError(err);
    }
    const current = await read();
    // Someone replaced or ended the session meanwhile (a sign-in, a sign-out, another tab's refresh): theirs wins.
    if (current?.refreshToken !== s.refreshToken) return ok(current);
    if (result.data) {
      const next = toSession(result.data, s.user);
      await storage.set(key, JSON.stringify(next));
      changed("TOKEN_REFRESHED", next);
      return ok(next);
    }
    // Over for good (reuse detected, revoked, absolute lifetime): sign out. Anything else (network, 429, 5xx) keeps the session.
    if (SESSION_OVER.has(result.error.code)) await forget(true);
    return fail(result.error);
  }

  function refresh(failed?: string): Promise<Result<AuthSession | null>> {
    if (!hub.flight) hub.flight = runRefresh(failed).finally(() => (hub.flight = null));
    return hub.flight;
  }

  async function validSession(): Promise<Result<AuthSession | null>> {
    const s = await read();
    if (!s || !isExpiring(s)) return ok(s);
    return refresh();
  }

  // Bearer + refresh-and-replay for auth.api. The request is cloned before it is sent, so a replay can
  // re-send its body; the replay goes straight to fetch, so a request is replayed at most once.
  const pending = new Map<string, { replay: Request; token: string }>();
  const middleware: Middleware = {
    async onRequest({ request, schemaPath, params, id }) {
      const path = params as { path?: { projectId?: string } };
      if (!schemaPath.startsWith("/api/auth/{projectId}/") || path.path?.projectId !== projectId || PUBLIC_ROUTES.has(schemaPath)) return;
      if (request.headers.has("Authorization")) return;
      const stale = await read();
      const token = (await validSession()).data?.accessToken ?? stale?.accessToken;
      if (!token) return;
      const headers = new Headers(request.headers);
      headers.set("Authorization", `Bearer ${token}`);
      const authed = new Request(request, { headers });
      pending.set(id, { replay: authed.clone(), token });
      return authed;
    },
    async onResponse({ response, id }) {
      const sent = pending.get(id);
      pending.delete(id);
      if (!sent || response.status !== 401) return;
      const code = await response
        .clone()
        .json()
        .then((body) => (body as { code?: string } | null)?.code)
        .catch(() => undefined);
      // TOKEN_EXPIRED: our clock was behind; INVALID_TOKEN: maybe a rotated key. A refresh tells; a dead session signs out.
      if (code !== "TOKEN_EXPIRED" && code !== "INVALID_TOKEN") return;
      const renewed = await refresh(sent.token);
      const token = renewed.data?.accessToken;
      if (!token || token === sent.token) return;
      const headers = new Headers(sent.replay.headers);
      headers.set("Authorization", `Bearer ${token}`);
      return doFetch(new Request(sent.replay, { headers }));
    },
    onError({ id }) {
      pending.delete(id);
    },
  };
  const api = createApiClient({ baseUrl: options.baseUrl, fetch: doFetch });
  api.use(middleware);

  /** Runs an openapi-fetch call as a kit result: a rejected fetch becomes NETWORK_ERROR. */
  async function run<T>(call: () => Promise<Parameters<typeof fromFetch<T>>[0]>): Promise<Result<T>> {
    try {
      return fromFetch<T>(await call());
    } catch (err) {
      return networkError(err);
    }
  }

  const client: AuthClient = {
    api,
    ...mfaMethods({ api, raw, inProject, run, store, refreshNow: async () => refresh((await read())?.accessToken) }),
    ...passwordlessMethods({ raw, inProject, run, store }),
    ...passkeyMethods({ projectId, api, raw, run, store, credentials: options.passkeys }),
    ...connectedAppMethods({ projectId, api, run }),
    signUp: async (body) => store(await run(() => raw.POST("/api/auth/{projectId}/register", { ...inProject, body }))),
    signIn: async (body) => store(await run(() => raw.POST("/api/auth/{projectId}/login", { ...inProject, body }))),
    async signOut() {
      const s = await read();
      if (!s) return ok({ loggedOut: true as const });
      const result = await run(() => raw.POST("/api/auth/{projectId}/logout", { ...inProject, body: { refreshToken: s.refreshToken } }));
      await forget(true);
      return result;
    },
    getUser: () => run(() => api.GET("/api/auth/{projectId}/me", inProject)),
    updateUser: (body) => run(() => api.PATCH("/api/auth/{projectId}/me", { ...inProject, body })),
    changePassword: (body) => run(() => api.POST("/api/auth/{projectId}/me/password", { ...inProject, body })),
    listSessions: () => run(() => api.GET("/api/auth/{projectId}/sessions", inProject)),
    async endSession(sessionId) {
      const s = await read();
      const result = await run(() => api.DELETE("/api/auth/{projectId}/sessions/{sessionId}", { params: { path: { projectId, sessionId } } }));
      if (result.data && s && claimsOf(s.accessToken).sid === sessionId && (await read())?.refreshToken === s.refreshToken) await forget(true);
      return result;
    },
    requestPasswordReset: (body) => run(() => raw.POST("/api/auth/{projectId}/password/forgot", { ...inProject, body })),
    resetPassword: (body) => run(() => raw.POST("/api/auth/{projectId}/password/reset", { ...inProject, body })),
    sendVerificationEmail: (body) => run(() => api.POST("/api/auth/{projectId}/verify-email/send", { ...inProject, body })),
    confirmEmail: (body) => run(() => raw.POST("/api/auth/{projectId}/verify-email/confirm", { ...inProject, body })),
    async oauthAuthorizeUrl({ provider, redirectUri, state }) {
      const verifier = createCodeVerifier();
      await storage.set(pkceKey, JSON.stringify({ verifier, provider, redirectUri }));
      const url = new URL(`${options.baseUrl.replace(/\/+$/, "")}/api/auth/${encodeURIComponent(projectId)}/oauth/${encodeURIComponent(provider)}/authorize`);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("code_challenge", await codeChallengeS256(verifier));
      url.searchParams.set("code_challenge_method", "S256");
      if (state !== undefined) url.searchParams.set("state", state);
      return url.toString();
    },
    async exchangeOAuthCode(code) {
      const text = await storage.get(pkceKey);
      let verifier: string | undefined;
      try {
        verifier = text ? (JSON.parse(text) as { verifier?: string }).verifier : undefined;
      } catch {
        verifier = undefined;
      }
      if (!verifier) {
        const error: ClientError = {
          status: 400,
          code: "INVALID_GRANT",
          message: "No PKCE verifier is stored for this sign-in; start it again with oauthAuthorizeUrl",
          requestId: null,
        };
        return fail(error);
      }
      // The code is single use whatever the answer, so the verifier goes too.
      await storage.remove(pkceKey);
      return store(await run(() => raw.POST("/api/auth/{projectId}/oauth/token", { ...inProject, body: { code, codeVerifier: verifier } })));
    },
    getAccessToken: async () => (await validSession()).data?.accessToken ?? null,
    getSession: read,
    onAuthStateChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return client;
}
