// The outbox as the tests' mailbox (the development provider keeps every message), and
// projects with redirect URLs (set straight in D1; the Admin API for them is tested elsewhere).
import { env } from "cloudflare:test";
import type { Schemas } from "../../generated/client.js";
import type { AuditRow } from "../../src/db/audit.repo";
import { adminClient, ownerToken } from "../helpers/admin";
import { apiClient } from "../helpers/client";
import { createProject } from "../helpers/fixtures";

export const REDIRECT = "https://app.example.com/auth/callback";

export async function setRedirectUrls(projectId: string, urls: string[]): Promise<void> {
  await env.DB.prepare(`UPDATE projects SET redirect_urls = ? WHERE id = ?`).bind(JSON.stringify(urls), projectId).run();
}

/** A new project whose allow-list holds `urls`. */
export async function emailProject(urls: string[] = [REDIRECT]): Promise<string> {
  const id = await createProject();
  await setRedirectUrls(id, urls);
  return id;
}

let owner: Promise<string> | undefined;

/** An owner's Admin API client; one session per test file, renewed when fake time has expired it. */
async function ownerGet<T>(request: (client: ReturnType<typeof adminClient>) => Promise<T & { response: Response }>): Promise<T & { response: Response }> {
  owner ??= ownerToken();
  const result = await request(adminClient(await owner));
  if (result.response.status !== 401) return result;
  owner = ownerToken();
  return request(adminClient(await owner));
}

export type OutboxMessage = Schemas["OutboxMessage"];

/** The project's messages to `to`, newest first. */
export async function inbox(projectId: string, to?: string): Promise<OutboxMessage[]> {
  const { data, response } = await ownerGet((admin) =>
    admin.GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId }, query: { to, limit: 100 } } }),
  );
  if (response.status !== 200) throw new Error(`outbox: ${response.status}`);
  return data!.data;
}

export interface MailedLink {
  url: URL;
  token: string;
  type: string;
  message: OutboxMessage;
}

/** The link in the newest message to `to`, read from its text part as a user would. */
export async function latestLink(projectId: string, to: string): Promise<MailedLink> {
  const [message] = await inbox(projectId, to);
  if (!message?.text) throw new Error(`no message with a body to ${to}`);
  const href = /https?:\/\/\S+[?&]token=\S+/.exec(message.text)?.[0];
  if (!href) throw new Error(`no link in: ${message.text}`);
  const url = new URL(href);
  return { url, token: url.searchParams.get("token")!, type: url.searchParams.get("type")!, message };
}

/** Auth API client helpers for one project. */
export function emailFlows(projectId: string, headers: Record<string, string> = {}) {
  const client = apiClient(headers);
  const path = { path: { projectId } };
  return {
    sendVerification: (accessToken: string, body: { redirectUrl?: string } = {}) =>
      apiClient({ ...headers, Authorization: `Bearer ${accessToken}` }).POST("/api/auth/{projectId}/verify-email/send", { params: path, body }),
    confirm: (token: string) => client.POST("/api/auth/{projectId}/verify-email/confirm", { params: path, body: { token } }),
    forgot: (email: string, redirectUrl?: string) => client.POST("/api/auth/{projectId}/password/forgot", { params: path, body: { email, redirectUrl } }),
    reset: (token: string, password: string) => client.POST("/api/auth/{projectId}/password/reset", { params: path, body: { token, password } }),
    login: (email: string, password: string) => client.POST("/api/auth/{projectId}/login", { params: path, body: { email, password } }),
  };
}

/** Audit rows of a project with this type, oldest first, details parsed. */
export async function auditRows(projectId: string, type: string) {
  const { results } = await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ? AND type = ? ORDER BY rowid`).bind(projectId, type).all<AuditRow>();
  return results.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
