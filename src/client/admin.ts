// The Admin API client: login keeps the session token (or, for an admin with TOTP, the challenge verifyMfa completes),
// middleware sends it as X-Admin-Session on every call, and paginate() walks a list endpoint page by page over meta.nextCursor.
import type { Middleware } from "openapi-fetch";
import { type ApiClient, type ApiClientOptions, createApiClient } from "./api";
import { type Result, fromFetch, networkError } from "./result";
import type { Schemas, paths } from "./types";

export interface AdminClientOptions {
  /** Where the service runs, e.g. https://auth.example.com */
  baseUrl: string;
  /** A fetch to use instead of the global one (tests, service bindings). */
  fetch?: ApiClientOptions["fetch"];
  /** A session token kept from an earlier login (e.g. in sessionStorage); login() replaces it. */
  sessionToken?: string | null;
}

type GetOf<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;
type PageBody<P extends keyof paths> = GetOf<P> extends { responses: { 200: { content: { "application/json": infer Body } } } } ? Body : never;
type QueryOf<P extends keyof paths> = GetOf<P> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathParamsOf<P extends keyof paths> = GetOf<P> extends { parameters: { path: infer Path } } ? Path : never;

/** The GET paths that answer a page (`data: T[]` and `meta.nextCursor`) and take a `cursor`. */
export type AdminListPath = {
  [P in keyof paths]: PageBody<P> extends { data: unknown[]; meta: { nextCursor: string | null } }
    ? QueryOf<P> extends { cursor?: string }
      ? P
      : never
    : never;
}[keyof paths];

/** The envelope of one page: the items and meta.nextCursor. */
type Page<P extends AdminListPath> = { data: AdminListItem<P>[]; meta: Schemas["PageMeta"] };
type ErrorBody = { error: string; code: Schemas["ErrorCode"] };

/** One item of the list at `P`, e.g. Project for /api/admin/projects. */
export type AdminListItem<P extends AdminListPath> = PageBody<P> extends { data: (infer T)[] } ? T : never;

/** What paginate() takes: the path parameters (if the path has any) and the query without `cursor`. */
export type PaginateParams<P extends AdminListPath> = ([PathParamsOf<P>] extends [never] ? { path?: never } : { path: PathParamsOf<P> }) & {
  query?: Omit<QueryOf<P>, "cursor">;
};

/** A second-factor answer: the authenticator app's current code, or one unused recovery code. */
export type AdminMfaProof = { code: string } | { recoveryCode: string };

export interface AdminClient {
  /** The typed client for every route; X-Admin-Session is added while logged in. */
  api: ApiClient;
  /**
   * Logs in and keeps the session token for the calls that follow. For an admin with TOTP on the answer is the
   * challenge branch (`"mfaRequired" in data`): no session yet; complete it with verifyMfa().
   */
  login(email: string, password: string): Promise<Result<Schemas["AdminSignInResult"]>>;
  /** Completes the pending challenge of the last login with the app's current code or a recovery code, and keeps the session. */
  verifyMfa(proof: AdminMfaProof): Promise<Result<Schemas["AdminLoginResult"]>>;
  /** Ends the session on the server and forgets the token (also when the server no longer knew it). */
  logout(): Promise<Result<Schemas["AdminLogoutResult"]>>;
  /** The current session token, e.g. to keep in sessionStorage; null when logged out. */
  readonly sessionToken: string | null;
  /**
   * Every page of a list endpoint, following meta.nextCursor until it is null. Each step is a Result: after an
   * error the iteration ends, so `for await (const page of ...) { if (page.error) ...; page.data }` sees it once.
   */
  paginate<P extends AdminListPath>(
    path: P,
    ...params: [PathParamsOf<P>] extends [never] ? [params?: PaginateParams<P>] : [params: PaginateParams<P>]
  ): AsyncIterable<Result<AdminListItem<P>[]>>;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  let sessionToken = options.sessionToken ?? null;
  let mfaToken: string | null = null;
  const api = createApiClient({ baseUrl: options.baseUrl, fetch: options.fetch });
  const adminSession: Middleware = {
    onRequest({ request }) {
      if (sessionToken && !request.headers.has("X-Admin-Session")) request.headers.set("X-Admin-Session", sessionToken);
      return request;
    },
  };
  api.use(adminSession);

  // openapi-fetch throws only when no answer arrived; the kit answers that as a NETWORK_ERROR result.
  const attempt = async <T>(call: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await call();
    } catch (err) {
      return networkError(err);
    }
  };

  return {
    api,
    get sessionToken() {
      return sessionToken;
    },
    login: (email, password) =>
      attempt(async () => {
        const result = fromFetch(await api.POST("/api/admin/login", { body: { email, password } }));
        mfaToken = result.data && "mfaRequired" in result.data ? result.data.mfaToken : null;
        if (result.data && "sessionToken" in result.data) sessionToken = result.data.sessionToken;
        return result;
      }),
    verifyMfa: (proof) => {
      // A programmer error, not an API one: there is no challenge to answer.
      if (!mfaToken) throw new Error("verifyMfa() needs a login() that answered mfaRequired first");
      const token = mfaToken;
      return attempt(async () => {
        const result = fromFetch(await api.POST("/api/admin/login/mfa", { body: { mfaToken: token, ...proof } }));
        if (result.data) {
          sessionToken = result.data.sessionToken;
          mfaToken = null;
        }
        return result;
      });
    },
    logout: () =>
      attempt(async () => {
        if (!sessionToken) return { data: { loggedOut: true }, error: null };
        try {
          return fromFetch(await api.POST("/api/admin/logout"));
        } finally {
          sessionToken = null;
        }
      }),
    paginate: <P extends AdminListPath>(path: P, params?: PaginateParams<P>) => ({
      async *[Symbol.asyncIterator]() {
        // One generic call for every list path: openapi-fetch cannot check a union of paths, paginate's signature does.
        const get = api.GET as unknown as (path: string, init: object) => Promise<{ data?: Page<P>; error?: ErrorBody; response: Response }>;
        let cursor: string | null = null;
        do {
          const query = { ...params?.query, ...(cursor === null ? {} : { cursor }) };
          let next: string | null = null;
          const result = await attempt(async (): Promise<Result<AdminListItem<P>[]>> => {
            const answer = await get(path, { params: { path: params?.path, query } });
            const items = fromFetch<AdminListItem<P>[]>(answer);
            if (answer.data) next = answer.data.meta.nextCursor;
            return items;
          });
          yield result;
          cursor = next;
        } while (cursor !== null);
      },
    }),
  };
}
