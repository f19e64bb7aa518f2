// The admin client's typing, compiled in every consumer (see api.ts).
import { type AdminClient, createAdminClient } from "@edge-auth/client";

const admin: AdminClient = createAdminClient({ baseUrl: "https://auth.example.com" });

export async function adminCalls(): Promise<string[]> {
  const login = await admin.login("owner@example.com", "passphrase");
  if (login.error) return [login.error.code];
  // An admin with TOTP on gets the challenge branch, completed with a code or a recovery code.
  if ("mfaRequired" in login.data) {
    const verified = await admin.verifyMfa({ code: "123456" });
    if (verified.error) return [verified.error.code];
    const session: string = verified.data.sessionToken;
    if (!session) await admin.verifyMfa({ recoveryCode: "7KQ2M-XW9PD" });
  }
  // @ts-expect-error a proof is a code or a recovery code
  admin.verifyMfa({ password: "passphrase" });
  const names: string[] = [];
  for await (const page of admin.paginate("/api/admin/projects", { query: { limit: 50, environment: "production" } })) {
    for (const project of page.data ?? []) names.push(project.name);
  }
  for await (const page of admin.paginate("/api/admin/projects/{projectId}/users", { path: { projectId: "demo" } })) {
    for (const user of page.data ?? []) names.push(user.email);
  }

  // @ts-expect-error /health is not a list endpoint
  admin.paginate("/health");
  // @ts-expect-error the users list needs its projectId
  admin.paginate("/api/admin/projects/{projectId}/users", { query: { limit: 10 } });
  // @ts-expect-error the cursor is paginate's own business
  admin.paginate("/api/admin/projects", { query: { cursor: "c" } });

  await admin.logout();
  return names;
}
