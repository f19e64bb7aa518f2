// The admin client's typing, compiled in every consumer (see api.ts).
import { type AdminClient, createAdminClient } from "@edge-auth/client";

const admin: AdminClient = createAdminClient({ baseUrl: "https://auth.example.com" });

export async function adminCalls(): Promise<string[]> {
  const login = await admin.login("owner@example.com", "passphrase");
  if (login.error) return [login.error.code];
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
