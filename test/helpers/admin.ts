import { env } from "cloudflare:test";
import { api, apiClient } from "./client";
import { uniqueId } from "./fixtures";

export type Role = "owner" | "admin" | "viewer";
export const ADMIN_PASSWORD = "a long admin passphrase";

/** An admin login's session; fails the test when the answer is a TOTP challenge instead (the bootstrap owner never has TOTP). */
export function adminSessionOf<T extends object>(data: T): Exclude<T, { mfaRequired: true }> {
  if ("mfaRequired" in data) throw new Error(`expected an admin session, got a second-factor challenge: ${JSON.stringify(data)}`);
  return data as Exclude<T, { mfaRequired: true }>;
}

/** Logs in as the bootstrap owner (ADMIN_EMAIL / ADMIN_PASSWORD of vitest.config.ts). */
export async function ownerToken(): Promise<string> {
  const { data, response } = await api.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! } });
  if (response.status !== 200) throw new Error(`owner login failed: ${response.status}`);
  return adminSessionOf(data!.data).sessionToken;
}

export const adminClient = (sessionToken: string) => apiClient({ "X-Admin-Session": sessionToken });

/** A new admin with `role`, created through the API by the owner, and a session of theirs. */
export async function adminWithRole(role: Role): Promise<{ id: string; email: string; token: string }> {
  const owner = adminClient(await ownerToken());
  const email = `${uniqueId(role)}@example.com`;
  const created = await owner.POST("/api/admin/admins", { body: { email, password: ADMIN_PASSWORD, role } });
  if (created.response.status !== 201) throw new Error(`create admin failed: ${created.response.status}`);
  const { data } = await api.POST("/api/admin/login", { body: { email, password: ADMIN_PASSWORD } });
  return { id: created.data!.data.id, email, token: adminSessionOf(data!.data).sessionToken };
}
