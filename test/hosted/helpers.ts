// Fixtures of the hosted sign-in tests: an OAuth client and a waiting authorization request written
// straight to D1 (as the authorization endpoint would), the page's CSRF cookie, and cookie parsing.
import { env } from "cloudflare:test";
import { OIDC_REQUEST_TTL_MS } from "../../src/config";
import { randomId } from "../../src/crypto/random";
import { insertOAuthClient } from "../../src/db/oauth-clients.repo";
import { insertAuthorizationRequest } from "../../src/db/oidc.repo";
import { iso, now } from "../../src/lib/clock";
import { BASE_URL, call } from "../helpers/client";

export const APP_CALLBACK = "https://app.example.com/callback";
export const ORIGIN = BASE_URL;

export async function insertClient(projectId: string, opts: { firstParty?: boolean; name?: string } = {}): Promise<string> {
  const clientId = randomId("cl");
  await insertOAuthClient(env.DB, {
    clientId,
    projectId,
    name: opts.name ?? "Example App",
    type: "public",
    firstParty: opts.firstParty ?? true,
    redirectUris: [APP_CALLBACK],
    postLogoutRedirectUris: [],
    secretHash: null,
    at: iso(),
  }).run();
  return clientId;
}

export async function insertRequest(projectId: string, clientId: string, extra: { loginHint?: string; scope?: string; prompt?: string } = {}): Promise<string> {
  const id = randomId("azr");
  const at = now();
  await insertAuthorizationRequest(env.DB, {
    id,
    projectId,
    clientId,
    redirectUri: APP_CALLBACK,
    scope: extra.scope ?? "openid email",
    state: "app-state",
    nonce: "n-1",
    codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    prompt: extra.prompt ?? null,
    maxAge: null,
    loginHint: extra.loginHint ?? null,
    createdAt: iso(at),
    expiresAt: iso(at + OIDC_REQUEST_TTL_MS),
  }).run();
  return id;
}

export const setProject = (projectId: string, sql: string, ...values: unknown[]) =>
  env.DB.prepare(`UPDATE projects SET ${sql} WHERE id = ?`)
    .bind(...values, projectId)
    .run();

/** name=value of each Set-Cookie of a response. */
export function cookiesOf(response: Response): Record<string, { value: string; raw: string }> {
  return Object.fromEntries(
    response.headers.getSetCookie().map((raw) => {
      const [pair] = raw.split(";");
      const eq = pair!.indexOf("=");
      return [pair!.slice(0, eq), { value: pair!.slice(eq + 1), raw }];
    }),
  );
}

/** The page's data block (what the script reads). */
export function pageData(page: string): Record<string, any> {
  const match = /<script type="application\/json" id="hosted-data">([^<]*)<\/script>/.exec(page);
  if (!match) throw new Error("page has no data block");
  return JSON.parse(match[1]!);
}

export const signInPath = (projectId: string, requestId: string) => `/api/auth/${projectId}/hosted/sign-in?request=${encodeURIComponent(requestId)}`;

/** Opens the sign-in page and returns its CSRF token and the Cookie header that carries it. */
export async function openSignIn(projectId: string, requestId: string): Promise<{ csrfToken: string; cookie: string; page: string }> {
  const response = await call(signInPath(projectId, requestId));
  const page = await response.text();
  if (response.status !== 200) throw new Error(`sign-in page: ${response.status}`);
  const cookie = Object.entries(cookiesOf(response))
    .map(([name, c]) => `${name}=${c.value}`)
    .join("; ");
  return { csrfToken: pageData(page).csrfToken, cookie, page };
}

export async function handOver(projectId: string, body: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  return call(`/api/auth/${projectId}/hosted/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
