// A scripted OpenID provider for the workerd tests, answering the Worker's outbound fetches
// (discovery, token, JWKS, userinfo) through a spy on fetch. The real provider (oidc-provider)
// runs in test/node/oidc.test.ts; this one lets each test bend one answer at a time.
import { env } from "cloudflare:test";
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from "jose";
import { vi } from "vitest";
import { base64url, utf8 } from "../../src/crypto/encoding";
import { adminClient, ownerToken } from "../helpers/admin";
import { call } from "../helpers/client";
import { createProject, uniqueId } from "../helpers/fixtures";

export const APP_REDIRECT = "https://app.example.com/auth/callback";
export const CLIENT_ID = "edge-auth-client";
export const CLIENT_SECRET = "client-secret-from-the-provider";

export const s256 = async (verifier: string) => base64url(await crypto.subtle.digest("SHA-256", utf8(verifier)));
export const newVerifier = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** A form-encoded request body. */
export const formOf = async (request: Request) => new URLSearchParams([...(await request.formData())].map(([k, v]) => [k, String(v)]));

type Handler = (request: Request) => Response | undefined | Promise<Response | undefined>;

const routes: Handler[] = [];
export const addRoute = (handler: Handler) => routes.push(handler);

/** Routes the Worker's outbound fetches to the registered stubs; anything else fails like a network error (tests never go online). */
export function installFetchStub() {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    for (const route of routes) {
      const response = await route(request.clone());
      if (response) return response;
    }
    throw new TypeError(`fetch failed: no stub for ${request.url}`);
  });
}

export interface Login {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Overrides of the ID token's claims (e.g. nonce, aud, iss, exp). */
  claims?: JWTPayload;
}

export class StubProvider {
  readonly issuer = `https://${uniqueId("idp").replace(/_/g, "-")}.test`;
  readonly key = generateKeyPair("ES256");
  /** What the next code exchange answers with; `null` makes the provider unreachable. */
  login: Login | null = { sub: "subject-1", email: "user@example.com", email_verified: true };
  tokenStatus = 200;
  tokenRequests: { form: URLSearchParams; authorization: string | null }[] = [];
  /** The last authorize redirect's parameters (our state, nonce and PKCE challenge). */
  authorize: URLSearchParams | null = null;
  signWith: CryptoKey | null = null;

  constructor() {
    addRoute((request) => this.handle(request));
  }

  private async handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== this.issuer) return undefined;
    if (this.login === null) throw new TypeError("fetch failed: connection refused");
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        return Response.json({
          issuer: this.issuer,
          authorization_endpoint: `${this.issuer}/authorize`,
          token_endpoint: `${this.issuer}/token`,
          jwks_uri: `${this.issuer}/jwks`,
          userinfo_endpoint: `${this.issuer}/userinfo`,
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        });
      case "/jwks":
        return Response.json({ keys: [{ ...(await exportJWK((await this.key).publicKey)), kid: "k1", alg: "ES256", use: "sig" }] });
      case "/token": {
        const form = await formOf(request);
        this.tokenRequests.push({ form, authorization: request.headers.get("authorization") });
        if (this.tokenStatus !== 200) return Response.json({ error: "invalid_grant" }, { status: this.tokenStatus });
        // A real provider checks our PKCE verifier against the challenge it saw at authorize.
        if ((await s256(form.get("code_verifier") ?? "")) !== this.authorize?.get("code_challenge"))
          return Response.json({ error: "invalid_grant" }, { status: 400 });
        return Response.json({ access_token: "provider-access-token", token_type: "Bearer", id_token: await this.idToken() });
      }
      case "/userinfo":
        return Response.json({ sub: this.login.sub, email: this.login.email, email_verified: this.login.email_verified });
      default:
        return new Response("not found", { status: 404 });
    }
  }

  async idToken(): Promise<string> {
    const { sub, email, email_verified, name, claims } = this.login!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email, email_verified, name, nonce: this.authorize?.get("nonce") ?? undefined, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer((claims?.iss as string) ?? this.issuer)
      .setAudience((claims?.aud as string) ?? CLIENT_ID)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime((claims?.exp as number) ?? now + 300)
      .sign(this.signWith ?? (await this.key).privateKey);
  }
}

/** A project whose allow-list holds APP_REDIRECT, with `stub` configured as provider `slug` through the Admin API. */
export async function projectWithProvider(stub: StubProvider, slug = "corp") {
  const projectId = await createProject();
  await env.DB.prepare(`UPDATE projects SET redirect_urls = ? WHERE id = ?`)
    .bind(JSON.stringify([APP_REDIRECT]), projectId)
    .run();
  const owner = adminClient(await ownerToken());
  const put = await owner.PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
    params: { path: { projectId, provider: slug } },
    body: { type: "oidc", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: stub.issuer },
  });
  if (put.response.status !== 201) throw new Error(`provider setup failed: ${put.response.status} ${JSON.stringify(put.error)}`);
  return { projectId, owner };
}

const authPath = (projectId: string, slug: string, step: string) => `/api/auth/${projectId}/oauth/${slug}/${step}`;

/** GET authorize as a browser would (no redirect following); remembers the provider-side parameters on `stub`. */
export async function authorize(stub: StubProvider, projectId: string, opts: { slug?: string; verifier?: string; state?: string } = {}) {
  const verifier = opts.verifier ?? newVerifier();
  const query = new URLSearchParams({
    redirect_uri: APP_REDIRECT,
    code_challenge: await s256(verifier),
    code_challenge_method: "S256",
    state: opts.state ?? "app-state-1",
  });
  const response = await call(`${authPath(projectId, opts.slug ?? "corp", "authorize")}?${query}`, { redirect: "manual" });
  if (response.status === 302) stub.authorize = new URL(response.headers.get("location")!).searchParams;
  return { response, verifier };
}

/** The provider sending the browser back to our callback. */
export function callback(projectId: string, params: Record<string, string>, slug = "corp") {
  return call(`${authPath(projectId, slug, "callback")}?${new URLSearchParams(params)}`, { redirect: "manual" });
}

/** Parameters of a redirect to the app, asserting it goes to APP_REDIRECT. */
export function appRedirect(response: Response): URLSearchParams {
  if (response.status !== 302) throw new Error(`expected a redirect to the app, got ${response.status}`);
  const location = new URL(response.headers.get("location")!);
  if (`${location.origin}${location.pathname}` !== APP_REDIRECT) throw new Error(`redirected elsewhere: ${location}`);
  return location.searchParams;
}

/** authorize → provider → callback; returns the app's redirect parameters and the app's verifier. */
export async function signIn(stub: StubProvider, projectId: string, slug = "corp") {
  const { verifier } = await authorize(stub, projectId, { slug });
  const params = appRedirect(await callback(projectId, { code: "provider-code", state: stub.authorize!.get("state")! }, slug));
  return { params, verifier };
}

export const exchange = (projectId: string, code: string, codeVerifier: string) =>
  call(`/api/auth/${projectId}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code, codeVerifier }) });
