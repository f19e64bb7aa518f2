// A real, certified OpenID provider (the `oidc-provider` package) on 127.0.0.1, for end-to-end
// sign-in tests against `wrangler dev`. Its development interactions (login form, consent form)
// accept any login name; the account's claims come from `accounts`.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface Account {
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface ProviderOptions {
  clientId: string;
  clientSecret: string;
  /** Our callback URL(s), registered as the client's redirect URIs. */
  redirectUris: string[];
  /** Claims by login name (the subject); unknown names sign in with no email. */
  accounts: Record<string, Account>;
  /** Reuse a port (to bring a stopped provider back). */
  port?: number;
}

export interface RunningProvider {
  issuer: string;
  port: number;
  /** Closes the listener and every open connection: the provider is down. */
  stop: () => Promise<void>;
  /** Errors the provider logged (e.g. a refused token request), for assertions and debugging. */
  errors: string[];
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startOidcProvider(options: ProviderOptions): Promise<RunningProvider> {
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const errors: string[] = [];
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-rsa", alg: "RS256", use: "sig" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true, methods: ["S256"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, ...options.accounts[sub] }) }),
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  for (const event of ["grant.error", "server_error", "authorization.error", "userinfo.error"]) {
    provider.on(event, (_ctx: unknown, err: Error & { error_description?: string }) =>
      errors.push(`${event}: ${err.message} ${err.error_description ?? ""}`.trim()),
    );
  }
  server.on("request", provider.callback());
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { issuer, port, stop, errors };
}
