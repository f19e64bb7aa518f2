// Local D1 persistence across a restart of the real server: everything written through the API
// before `wrangler dev` stops is there, unchanged and usable, after it starts again.
import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { assertContract } from "../helpers/contract";

const PORT = 8799;
const PERSIST = ".wrangler/durability-test-state";
const VARS = {
  ADMIN_EMAIL: "durability@example.com",
  ADMIN_PASSWORD: "durability-owner-password",
  KEY_ENCRYPTION_SECRET: "durability-test-secret-0123456789abcdef",
};

let server: { url: string; stop: () => Promise<void> } | undefined;
afterAll(async () => {
  await server?.stop();
});

/** fetch against wrangler dev; like every response the workerd suite sees, the answer must match the contract. */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const url = `${server!.url}${path}`;
  const response = await fetch(url, init);
  await assertContract(init.method ?? "GET", url, response);
  return response;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await call(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe("durability of the local D1", () => {
  it("keeps every user and session across a wrangler dev restart", async () => {
    server = await startWranglerDev({ port: PORT, persistTo: PERSIST, fresh: true, vars: VARS });
    const admin = await post("/api/admin/login", { email: VARS.ADMIN_EMAIL, password: VARS.ADMIN_PASSWORD });
    expect(admin.status).toBe(200);
    const project = await post("/api/admin/projects", { name: "Durability", environment: "development" }, { "X-Admin-Session": admin.body.data.sessionToken });
    expect(project.status).toBe(201);
    const projectId = project.body.data.id as string;

    const users = [];
    for (let i = 0; i < 5; i++) {
      const email = `durable-${i}@example.com`;
      const reg = await post(`/api/auth/${projectId}/register`, { email, password: "strongpassword123" });
      expect(reg.status).toBe(201);
      users.push({ email, id: reg.body.data.user.id, accessToken: reg.body.data.accessToken, refreshToken: reg.body.data.refreshToken });
    }
    await server.stop();
    const restarted = await startWranglerDev({ port: PORT, persistTo: PERSIST, vars: VARS });
    server = restarted;

    for (const user of users) {
      const me = await call(`/api/auth/${projectId}/me`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as any).data).toMatchObject({ id: user.id, email: user.email });
      const refreshed = await post(`/api/auth/${projectId}/refresh`, { refreshToken: user.refreshToken });
      expect(refreshed.status).toBe(200);
      const login = await post(`/api/auth/${projectId}/login`, { email: user.email, password: "strongpassword123" });
      expect(login.status).toBe(200);
    }
  }, 240_000);
});
