// Walks every response schema of the committed contract and fails on properties that look like
// secrets, so a password hash or key can never be added to a response by accident.
import { describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";

type Json = Record<string, any>;
const SECRET_NAME = /password|hash|secret|private|pepper|encrypt|box|^d$|^salt$/i;
const TOKEN_NAME = /token/i;
// Tokens an endpoint exists to hand out: the Auth API's pair, and an admin login's session (after its second factor too).
const ISSUES_TOKENS = (path: string) => path.startsWith("/api/auth/") || path === "/api/admin/login" || path === "/api/admin/login/mfa";
// Secrets an endpoint exists to show once, each with the reason it may.
const SHOWN_ONCE: Record<string, string> = {
  "POST /api/admin/me/mfa/totp/enroll 200: .data.secret": "an admin's new TOTP secret, for their authenticator app; stored sealed, never shown again",
};

function resolve(schema: Json, doc: Json): Json {
  let s = schema;
  const seen = new Set<string>();
  while (s?.$ref && !seen.has(s.$ref)) {
    seen.add(s.$ref);
    s = s.$ref
      .split("/")
      .slice(1)
      .reduce((node: Json, key: string) => node?.[key], doc);
  }
  return s ?? {};
}

/** Every property path under `schema` whose name looks secret (booleans like hasPassword are fine). */
function secretProperties(schema: Json, doc: Json, allowTokens: boolean, path = "", seen = new Set<Json>()): string[] {
  const s = resolve(schema, doc);
  if (seen.has(s)) return [];
  seen.add(s);
  const found: string[] = [];
  for (const [name, child] of Object.entries((s.properties ?? {}) as Json)) {
    const c = resolve(child, doc);
    // Flags (hasPassword, clientSecretSet) and numbers (accessTokenTtl) cannot hold a secret.
    const isFlag = c.type === "boolean" || c.type === "integer" || c.type === "number";
    if (!isFlag && (SECRET_NAME.test(name) || (!allowTokens && TOKEN_NAME.test(name)))) found.push(`${path}.${name}`);
    found.push(...secretProperties(child, doc, allowTokens, `${path}.${name}`, seen));
  }
  for (const key of ["items", "additionalProperties"])
    if (s[key] && typeof s[key] === "object") found.push(...secretProperties(s[key], doc, allowTokens, `${path}[]`, seen));
  for (const key of ["allOf", "anyOf", "oneOf"]) for (const part of s[key] ?? []) found.push(...secretProperties(part, doc, allowTokens, path, seen));
  return found;
}

const WEBHOOKS = "/api/admin/projects/{projectId}/webhooks";
const WEBHOOK_SECRET = "a webhook's signing secret is shown once, to the admin who creates or rotates it (the receiver needs it to verify); never on a read";
const A_TIMESTAMP = "when the previous webhook secret stops signing: a timestamp, no secret";
const CLIENTS = "/api/admin/projects/{projectId}/oauth-clients";
const CLIENT_SECRET =
  "an OAuth client's secret is shown once, to the admin who registers the client or rotates it (the app needs it); stored as SHA-256, never on a read";
const A_CLIENT_TIMESTAMP = "when the previous OAuth client secret stops authenticating: a timestamp, no secret";
// Findings that are meant, each with its reason; everything else is a leak.
const ALLOWED: Record<string, string> = {
  [`POST ${CLIENTS} 201: .data.clientSecret`]: CLIENT_SECRET,
  [`POST ${CLIENTS}/{clientId}/rotate-secret 200: .data.clientSecret`]: CLIENT_SECRET,
  [`POST ${CLIENTS} 201: .data.previousSecretExpiresAt`]: A_CLIENT_TIMESTAMP,
  [`GET ${CLIENTS} 200: .data[].previousSecretExpiresAt`]: A_CLIENT_TIMESTAMP,
  [`GET ${CLIENTS}/{clientId} 200: .data.previousSecretExpiresAt`]: A_CLIENT_TIMESTAMP,
  [`PATCH ${CLIENTS}/{clientId} 200: .data.previousSecretExpiresAt`]: A_CLIENT_TIMESTAMP,
  [`POST ${CLIENTS}/{clientId}/rotate-secret 200: .data.previousSecretExpiresAt`]: A_CLIENT_TIMESTAMP,
  "POST /api/auth/{projectId}/mfa/totp/enroll 200: .data.secret":
    "the TOTP seed must reach the user's authenticator app once, at enrollment; it is sealed at rest and never shown again",
  [`POST ${WEBHOOKS} 201: .data.secret`]: WEBHOOK_SECRET,
  [`POST ${WEBHOOKS}/{webhookId}/rotate-secret 200: .data.secret`]: WEBHOOK_SECRET,
  [`POST ${WEBHOOKS} 201: .data.previousSecretExpiresAt`]: A_TIMESTAMP,
  [`GET ${WEBHOOKS} 200: .data[].previousSecretExpiresAt`]: A_TIMESTAMP,
  [`GET ${WEBHOOKS}/{webhookId} 200: .data.previousSecretExpiresAt`]: A_TIMESTAMP,
  [`PATCH ${WEBHOOKS}/{webhookId} 200: .data.previousSecretExpiresAt`]: A_TIMESTAMP,
  [`POST ${WEBHOOKS}/{webhookId}/rotate-secret 200: .data.previousSecretExpiresAt`]: A_TIMESTAMP,
};

function leaks(doc: Json): string[] {
  return findings(doc).filter((f) => !ALLOWED[f]);
}

function findings(doc: Json): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
        const schema = (response as Json).content?.["application/json"]?.schema;
        if (schema)
          found.push(
            ...secretProperties(schema, doc, ISSUES_TOKENS(path))
              .map((p) => `${method.toUpperCase()} ${path} ${status}: ${p}`)
              .filter((f) => !(f in SHOWN_ONCE)),
          );
      }
    }
  }
  return found;
}

describe("the contract never returns secrets", () => {
  it("has no secret-looking property in any response schema", () => {
    expect(leaks(spec as Json)).toEqual([]);
  });

  it("allows only findings that exist, each with its reason", () => {
    const found = findings(spec as Json);
    expect(Object.keys(ALLOWED).filter((f) => !found.includes(f))).toEqual([]);
  });

  it("would catch one: a response with a password hash, a private key or an admin-visible refresh token", () => {
    const tampered = structuredClone(spec) as Json;
    tampered.components.schemas.Admin.properties.passwordHash = { type: "string" };
    tampered.paths["/api/admin/me"].get.responses["200"].content["application/json"].schema.properties.data = {
      type: "object",
      properties: { keys: { type: "array", items: { type: "object", properties: { privateJwk: { type: "object" }, refreshToken: { type: "string" } } } } },
    };
    const found = leaks(tampered);
    expect(found.some((f) => f.includes("passwordHash"))).toBe(true);
    expect(found.some((f) => f.includes("privateJwk"))).toBe(true);
    expect(found.some((f) => f.includes("refreshToken"))).toBe(true);
  });

  it("would catch an OAuth client's secret or its hash on a read", () => {
    const tampered = structuredClone(spec) as Json;
    const client = tampered.components.schemas.OAuthClient;
    client.properties.clientSecret = { type: "string" };
    client.properties.secretHash = { type: "string" };
    const found = leaks(tampered);
    expect(found).toContain(`GET ${CLIENTS}/{clientId} 200: .data.clientSecret`);
    expect(found).toContain(`GET ${CLIENTS} 200: .data[].secretHash`);
  });

  it("allows the once-shown TOTP secret only where it is shown, nowhere else", () => {
    const tampered = structuredClone(spec) as Json;
    tampered.paths["/api/auth/{projectId}/me"].get.responses["200"].content["application/json"].schema.properties.data = {
      type: "object",
      properties: { secret: { type: "string" } },
    };
    expect(leaks(tampered)).toEqual(["GET /api/auth/{projectId}/me 200: .data.secret"]);
  });
});
