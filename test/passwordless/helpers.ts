// Passwordless tests: projects with the method on, the two routes, and the code or link read from
// the outbox as the user would read the email.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { REDIRECT, emailProject, inbox, latestLink } from "../email/mailbox";
import { apiClient } from "../helpers/client";

export { REDIRECT };

/** Turns passwordless on (and sign-up on or off) straight in D1. */
export async function setPasswordless(projectId: string, settings: { passwordless?: boolean; allowSignUp?: boolean } = {}) {
  await env.DB.prepare(`UPDATE projects SET passwordless = ?, allow_sign_up = ? WHERE id = ?`)
    .bind(settings.passwordless === false ? 0 : 1, settings.allowSignUp === false ? 0 : 1, projectId)
    .run();
}

/** A new project with redirect URLs and passwordless on. */
export async function passwordlessProject(settings: { allowSignUp?: boolean } = {}): Promise<string> {
  const id = await emailProject();
  await setPasswordless(id, settings);
  return id;
}

export function passwordless(projectId: string, headers: Record<string, string> = {}) {
  const client = apiClient(headers);
  const params = { path: { projectId } };
  return {
    start: (email: string, redirectUrl?: string) => client.POST("/api/auth/{projectId}/passwordless/start", { params, body: { email, redirectUrl } }),
    verifyCode: (email: string, code: string) => client.POST("/api/auth/{projectId}/passwordless/verify", { params, body: { email, code } }),
    verifyLink: (token: string) => client.POST("/api/auth/{projectId}/passwordless/verify", { params, body: { token } }),
  };
}

/** The code in the newest message to `to` (on a line of its own in the text part). */
export async function mailedCode(projectId: string, to: string): Promise<string> {
  const [message] = await inbox(projectId, to);
  expect(message?.template).toBe("passwordless");
  const code = /^(\d{6})$/m.exec(message!.text ?? "")?.[1];
  if (!code) throw new Error(`no code in: ${message?.text}`);
  return code;
}

/** Starts a sign-in for `email` and returns the mailed code. */
export async function startAndRead(projectId: string, email: string): Promise<string> {
  const { response } = await passwordless(projectId).start(email);
  expect(response.status).toBe(200);
  return mailedCode(projectId, email);
}

export { latestLink };

/** The claims of an access token (no verification: the tests only read them). */
export function claims(accessToken: string): Record<string, unknown> {
  const payload = accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload)) as Record<string, unknown>;
}

/** A code other than `code`. */
export const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
