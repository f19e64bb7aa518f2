// OpenID Connect Discovery 1.0: a generic provider is configured by its issuer; its endpoints are
// fetched and validated when an admin saves it (PUT), then read from the database on every sign-in.
// Errors are fixed sentences naming the check that failed: nothing the remote sent is echoed.
import type { TokenAuthMethod } from "../db/oauth.repo";
import { ApiError } from "../errors";
import { OAuthFlowError } from "./errors";
import type { Endpoints } from "./presets";
import { jsonOf, upstreamFetch } from "./upstream";
import { outboundUrlProblem } from "./urls";

export const discoveryUrl = (issuer: string) => `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;

const invalid = (problem: string) => new ApiError("VALIDATION_ERROR", `issuer: ${problem}`, { details: [{ path: "issuer", message: problem }] });
const unusable = (problem: string) => invalid(`the discovery document ${problem}`);
const unavailableDocument = (why: string) => new ApiError("UPSTREAM_ERROR", `The issuer's discovery document could not be used: ${why}`);

/** client_secret_basic is the spec's default; post when only that is offered; none for public clients. */
function authMethod(supported: unknown, hasSecret: boolean): TokenAuthMethod {
  if (!hasSecret) return "none";
  const methods = Array.isArray(supported) ? supported : ["client_secret_basic"];
  if (methods.includes("client_secret_basic")) return "client_secret_basic";
  if (methods.includes("client_secret_post")) return "client_secret_post";
  throw unusable("offers neither client_secret_basic nor client_secret_post at its token endpoint");
}

/**
 * Fetches and checks `issuer`'s discovery document. A host the Worker must not call (see
 * outboundUrlProblem; `local` while served from loopback) or an unusable document (issuer mismatch,
 * missing or refused endpoints, no S256): 400 VALIDATION_ERROR naming `issuer`. Unreachable or failing: 502 UPSTREAM_ERROR.
 */
export async function discover(issuer: string, hasSecret: boolean, local: boolean): Promise<Endpoints> {
  const refused = outboundUrlProblem(issuer, local);
  if (refused) throw invalid(refused);
  let response: Response;
  try {
    response = await upstreamFetch("discovery document", discoveryUrl(issuer), { headers: { Accept: "application/json" } });
  } catch (err) {
    if (err instanceof OAuthFlowError) throw unavailableDocument("the provider is unreachable or timed out");
    throw err;
  }
  if (!response.ok) throw unavailableDocument("the provider answered with an error status");
  const doc = await jsonOf(response);
  if (!doc) throw unavailableDocument("the provider did not answer with a JSON object");
  // OpenID Discovery §4.3: the document must name exactly the issuer it was fetched for.
  if (doc.issuer !== issuer) throw unusable("names a different issuer; use exactly the `issuer` value it publishes");
  for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"]) {
    if (field === "userinfo_endpoint" && doc[field] === undefined) continue;
    const problem = outboundUrlProblem(doc[field], local);
    if (problem) throw invalid(`the discovery document's ${field} ${problem}`);
  }
  const pkce = doc.code_challenge_methods_supported;
  if (Array.isArray(pkce) && !pkce.includes("S256")) throw unusable("does not support PKCE with S256");
  return {
    issuer,
    authorizationUrl: doc.authorization_endpoint as string,
    tokenUrl: doc.token_endpoint as string,
    jwksUri: doc.jwks_uri as string,
    userinfoUrl: (doc.userinfo_endpoint as string | undefined) ?? null,
    tokenAuthMethod: authMethod(doc.token_endpoint_auth_methods_supported, hasSecret),
  };
}
