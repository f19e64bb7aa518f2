// The console's only way to the server: the kit's typed Admin API client (src/client/admin.ts), so the
// compiler checks every path, parameter and body against the committed spec. A 401 signs the console out.
import { type AdminClient, type AdminMfaProof, createAdminClient } from "../../src/client/admin";
import type { ClientError } from "../../src/client/result";
import type { ErrorCode } from "../../src/client/types";
import { keepSession, session } from "./session";

export interface ApiFailure {
  status: number;
  code: ClientError["code"];
  message: string;
  requestId: string | null;
  /** VALIDATION_ERROR's field messages by field path (e.g. "name", "corsOrigins.0"). */
  fields: Record<string, string>;
}
export type Outcome<T> = { data: T; error: null } | { data: null; error: ApiFailure };

let admin: AdminClient = connect(session.value?.token ?? null);

function connect(token: string | null): AdminClient {
  const client = createAdminClient({ baseUrl: location.origin, sessionToken: token });
  client.api.use({
    onResponse({ response }) {
      // The session expired, was revoked or its admin disabled: every screen behind it is stale.
      if (response.status === 401 && session.value) signedOut("Your session ended. Sign in again.");
      return response;
    },
  });
  return client;
}

/** The typed openapi-fetch client with X-Admin-Session attached while signed in. */
export const api = () => admin.api;

/** What a sign-in step answers: done (null), a failure, or (TOTP on) the second step to show. */
export type SignInStep = { error: ApiFailure } | { mfa: { methods: string[]; expiresIn: number } } | null;

export async function signIn(email: string, password: string): Promise<SignInStep> {
  admin = connect(null);
  const result = await admin.login(email, password);
  if (result.error) return { error: { ...result.error, fields: {} } };
  if ("mfaRequired" in result.data) return { mfa: { methods: result.data.methods, expiresIn: result.data.expiresIn } };
  keepSession({ token: result.data.sessionToken, admin: result.data.admin, expiresAt: result.data.expiresAt });
  return null;
}

/** The second step: the app's current code or one recovery code completes the pending challenge of signIn(). */
export async function verifySignIn(proof: AdminMfaProof): Promise<ApiFailure | null> {
  const result = await admin.verifyMfa(proof);
  if (result.error) return { ...result.error, fields: {} };
  keepSession({ token: result.data.sessionToken, admin: result.data.admin, expiresAt: result.data.expiresAt });
  return null;
}

/** Ends the session on the server; the next sign-in (maybe another admin's) starts at the projects list. */
export async function signOut() {
  await admin.logout();
  signedOut(null);
  location.hash = "#/projects";
}

/** Signs out when the session's absolute expiry passes, without waiting for the next call's 401. */
export function expireAt(expiresAt: string): () => void {
  const ms = Math.min(Date.parse(expiresAt) - Date.now(), 2 ** 31 - 1);
  const timer = setTimeout(() => signedOut("Your session expired. Sign in again."), Math.max(0, ms));
  return () => clearTimeout(timer);
}

function signedOut(reason: string | null) {
  admin = connect(null);
  keepSession(null, reason);
}

type Answer<B> = { data?: B; error?: unknown; response: Response };

/** An answer's success body, or the envelope's error with the request id and field messages. */
export async function call<B>(request: Promise<Answer<B>>): Promise<Outcome<B>> {
  try {
    const answer = await request;
    if (answer.data !== undefined) return { data: answer.data, error: null };
    const body = (answer.error ?? {}) as { error?: string; code?: ErrorCode; details?: { path: string; message: string }[] };
    const fields: Record<string, string> = {};
    for (const issue of body.details ?? []) fields[issue.path] ??= issue.message;
    return {
      data: null,
      error: {
        status: answer.response.status,
        code: body.code ?? "INTERNAL_ERROR",
        message: body.error ?? `HTTP ${answer.response.status}`,
        requestId: answer.response.headers.get("X-Request-Id"),
        fields,
      },
    };
  } catch (err) {
    return { data: null, error: { status: 0, code: "NETWORK_ERROR", message: err instanceof Error ? err.message : String(err), requestId: null, fields: {} } };
  }
}

/** The server's message for a form field: its own path or the first of its items ("corsOrigins.0"). */
export const fieldError = (error: ApiFailure | null, name: string): string | undefined =>
  error ? (error.fields[name] ?? Object.entries(error.fields).find(([path]) => path.startsWith(`${name}.`))?.[1]) : undefined;
