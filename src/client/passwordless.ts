// Passwordless sign-in for the session client: email a code (and link), then trade it for a session.
import type { ApiClient } from "./api";
import type { Result } from "./result";
import type { Schemas, SignInResult } from "./types";

export type PasswordlessStartBody = Schemas["PasswordlessStartRequest"];
export type PasswordlessVerifyBody = Schemas["PasswordlessVerifyRequest"];

export interface PasswordlessMethods {
  /** Emails a 6-digit code (and, with `redirectUrl`, a link `<redirectUrl>?token=…&type=passwordless`). Always `{ sent: true }`. */
  startPasswordless(body: PasswordlessStartBody): Promise<Result<Schemas["PasswordlessStartResult"]>>;
  /** `{ email, code }` or `{ token }` from the link; stores the session like signIn (or returns the second-factor challenge). */
  verifyPasswordless(body: PasswordlessVerifyBody): Promise<Result<SignInResult>>;
}

/** What the session client lends these methods: its plain client, its result wrapper and its session store. */
export interface PasswordlessDeps {
  raw: ApiClient;
  inProject: { params: { path: { projectId: string } } };
  run: <T>(call: () => Promise<{ data?: { data: T }; error?: { error: string; code: Schemas["ErrorCode"] }; response: Response }>) => Promise<Result<T>>;
  store: <T extends SignInResult>(result: Result<T>) => Promise<Result<T>>;
}

export function passwordlessMethods({ raw, inProject, run, store }: PasswordlessDeps): PasswordlessMethods {
  return {
    startPasswordless: (body) => run(() => raw.POST("/api/auth/{projectId}/passwordless/start", { ...inProject, body })),
    verifyPasswordless: async (body) => store(await run(() => raw.POST("/api/auth/{projectId}/passwordless/verify", { ...inProject, body }))),
  };
}
