// OpenID Connect Discovery 1.0: a generic provider is configured by its issuer; its endpoints are
// fetched and validated when an admin saves it (PUT), then read from the database on every sign-in.
import type { TokenAuthMethod } from "../db/oauth.repo";
import { ApiError } from "../errors";
import { OAuthFlowError } from "./errors";
import type { Endpoints } from "./presets";
import { jsonOf, upstreamFetch } from "./upstream";
import { isSecureOrLocal } from "./urls";

export const discoveryUrl = (issuer: string) => `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;

const invalid = (issuer: string, problem: string) => new ApiError("VALIDATION_ERROR", `issuer: the discovery document of ${issuer} ${problem}`);

/** client_secret_basic is the spec's default; post when only that is offered; none for public clients. */
function authMethod(supported: unknown, hasSecret: boolean, issuer: string): TokenAuthMethod {
  if (!hasSecret) return "none";
  const methods = Array.isArray(supported) ? supported : ["client_secret_basic"];
  if (methods.includes("client_secret_basic")) return "client_secret_basic";
  if (methods.includes("client_secret_post")) return "client_secret_post";
  throw invalid(issuer, "offers neither client_secret_basic nor client_secret_post at its token endpoint");
}

/**
 * Fetches and checks `issuer`'s discovery document. Unreachable or failing: 502 UPSTREAM_ERROR;
 * unusable (issuer mismatch, missing endpoints, no S256): 400 VALIDATION_ERROR naming the problem.
 */
export async function discover(issuer: string, hasSecret: boolean): Promise<Endpoints> {
  const url = discoveryUrl(issuer);
  let response: Response;
  try {
    response = await upstreamFetch("discovery document", url, { headers: { Accept: "application/json" } });
  } catch (err) {
    if (err instanceof OAuthFlowError) throw new ApiError("UPSTREAM_ERROR", `Could not fetch ${url}: ${err.description}`);
    throw err;
  }
  if (!response.ok) throw new ApiError("UPSTREAM_ERROR", `${url} answered HTTP ${response.status}`);
  const doc = await jsonOf(response);
  if (!doc) throw new ApiError("UPSTREAM_ERROR", `${url} did not answer with a JSON document`);
  // OpenID Discovery §4.3: the document must name exactly the issuer it was fetched for.
  if (doc.issuer !== issuer) throw invalid(issuer, `names a different issuer (${String(doc.issuer).slice(0, 200)}); use exactly that value`);
  for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri"]) {
    if (!isSecureOrLocal(doc[field])) throw invalid(issuer, `lacks an https ${field}`);
  }
  if (doc.userinfo_endpoint !== undefined && !isSecureOrLocal(doc.userinfo_endpoint)) throw invalid(issuer, "has an invalid userinfo_endpoint");
  const pkce = doc.code_challenge_methods_supported;
  if (Array.isArray(pkce) && !pkce.includes("S256")) throw invalid(issuer, "does not support PKCE with S256");
  return {
    issuer,
    authorizationUrl: doc.authorization_endpoint as string,
    tokenUrl: doc.token_endpoint as string,
    jwksUri: doc.jwks_uri as string,
    userinfoUrl: (doc.userinfo_endpoint as string | undefined) ?? null,
    tokenAuthMethod: authMethod(doc.token_endpoint_auth_methods_supported, hasSecret, issuer),
  };
}
