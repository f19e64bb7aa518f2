import { env } from "cloudflare:test";
import { generateSigningKey } from "../../src/crypto/keys";
import { insertSigningKey } from "../../src/db/keys.repo";
import { insertProject } from "../../src/db/projects.repo";
import { iso } from "../../src/lib/clock";
import { apiClient } from "./client";

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** A fresh enabled project with its signing key, written straight to D1. */
export async function createProject(overrides: { id?: string; accessTokenTtl?: number } = {}): Promise<string> {
  const id = overrides.id ?? uniqueId("proj");
  const at = iso();
  const key = await generateSigningKey(env.KEY_ENCRYPTION_SECRET);
  await env.DB.batch([
    insertProject(env.DB, { id, name: `Project ${id}`, description: "", environment: "development", createdAt: at }),
    insertSigningKey(env.DB, id, key, at),
  ]);
  if (overrides.accessTokenTtl) await env.DB.prepare(`UPDATE projects SET access_token_ttl = ? WHERE id = ?`).bind(overrides.accessTokenTtl, id).run();
  return id;
}

/**
 * `token` with one character changed, so it is certainly a different token. The changed character
 * is the first after the prefix (`csrf_…`, `rt_…`), or the first of the string without one: a
 * base64url string's last character may carry padding bits only, and replacing it with a fixed
 * letter leaves the token unchanged whenever it already ended in that letter.
 */
export function alteredToken(token: string): string {
  const at = /^[a-z]+_/.exec(token)?.[0].length ?? 0;
  return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
}

export const PASSWORD = "strongpassword123";

/** A sign-in's tokens; fails the test when the answer is a second-factor challenge instead. */
export function tokensOf<T extends object>(data: T): Exclude<T, { mfaRequired: true }> {
  if ("mfaRequired" in data) throw new Error(`expected tokens, got a second-factor challenge: ${JSON.stringify(data)}`);
  return data as Exclude<T, { mfaRequired: true }>;
}

/** Registers a user through the API and returns the tokens and user. */
export async function registerUser(projectId: string, email = `${uniqueId("u")}@example.com`, password = PASSWORD) {
  const { data, response } = await apiClient().POST("/api/auth/{projectId}/register", {
    params: { path: { projectId } },
    body: { email, password, displayName: "Test User" },
  });
  if (response.status !== 201 || !data) throw new Error(`register failed: ${response.status}`);
  return { ...data.data, email, password };
}

export const bearer = (accessToken: string) => apiClient({ Authorization: `Bearer ${accessToken}` });
