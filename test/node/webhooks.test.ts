// Webhooks end to end against `wrangler dev` (its local Queue and Cron): a real receiver on
// 127.0.0.1 verifies every signature with the standardwebhooks library; a receiver that fails
// three times then succeeds gets exactly one successful delivery; and a Worker stopped between the
// commit and the delivery loses nothing: after a restart the Cron re-enqueues the delivery.
import { createServer, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { assertContract } from "../helpers/contract";

const PORT = 8795;
const RECEIVER_PORT = 8796;
const PERSIST = ".wrangler/webhooks-test-state";
const VARS = {
  ADMIN_EMAIL: "webhooks@example.com",
  ADMIN_PASSWORD: "webhooks-owner-password",
  KEY_ENCRYPTION_SECRET: "webhooks-test-secret-0123456789abcdef",
  EMAIL_PROVIDER: "dev",
};
// How long to wait for something the local Queue does within a second or two.
const PATIENCE_MS = 30_000;

interface Hit {
  id: string;
  type: string;
  userId: string;
  verified: boolean;
  answered: number;
}

/** A receiver that verifies each request and answers `answers.shift()` (200 once they run out). */
function receiver(secret: () => string) {
  const hits: Hit[] = [];
  const answers: number[] = [];
  const handler: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      let payload: any = {};
      try {
        payload = new Webhook(secret()).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        payload = JSON.parse(body);
      }
      const answered = answers.shift() ?? 200;
      hits.push({ id: String(req.headers["webhook-id"]), type: payload.type, userId: payload.data?.id, verified, answered });
      res.writeHead(answered).end();
    });
  });
  return {
    hits,
    answers,
    listen: () => new Promise<void>((done) => handler.listen(RECEIVER_PORT, "127.0.0.1", done)),
    close: () => new Promise<void>((done) => (handler.listening ? handler.close(() => done()) : done())),
  };
}

let server: { url: string; stop: () => Promise<void> } | undefined;
let secret = "";
const hook = receiver(() => secret);
afterAll(async () => {
  await server?.stop();
  await hook.close();
});

async function call(path: string, init: RequestInit = {}): Promise<any> {
  const url = `${server!.url}${path}`;
  const response = await fetch(url, { ...init, headers: { "Content-Type": "application/json", ...init.headers } });
  await assertContract(init.method ?? "GET", url, response);
  return { status: response.status, body: await response.json() };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const start = (fresh: boolean) => startWranglerDev({ port: PORT, persistTo: PERSIST, fresh, vars: VARS, args: ["--test-scheduled"] });

describe("webhooks through wrangler dev's Queue and Cron", () => {
  it("retries until the receiver answers 2xx, once; and survives a restart between commit and delivery", async () => {
    server = await start(true);
    await hook.listen();
    const login = await call("/api/admin/login", { method: "POST", body: JSON.stringify({ email: VARS.ADMIN_EMAIL, password: VARS.ADMIN_PASSWORD }) });
    const admin = () => ({ "X-Admin-Session": login.body.data.sessionToken });
    const project = await call("/api/admin/projects", {
      method: "POST",
      headers: admin(),
      body: JSON.stringify({ name: "Hooks", environment: "development" }),
    });
    const projectId = project.body.data.id as string;
    const created = await call(`/api/admin/projects/${projectId}/webhooks`, {
      method: "POST",
      headers: admin(),
      body: JSON.stringify({ url: `http://127.0.0.1:${RECEIVER_PORT}/hook`, events: ["user.created"] }),
    });
    expect(created.status).toBe(201);
    secret = created.body.data.secret;
    const webhookId = created.body.data.id as string;
    const deliveries = async () => (await call(`/api/admin/projects/${projectId}/webhooks/${webhookId}/deliveries`, { headers: admin() })).body.data as any[];

    // 1. Fails three times, then succeeds: each failure is recorded, an admin retry brings the next attempt forward.
    hook.answers.push(500, 503, 502);
    const first = await call(`/api/auth/${projectId}/register`, {
      method: "POST",
      body: JSON.stringify({ email: "first@example.com", password: "strongpassword123" }),
    });
    const userId = first.body.data.user.id as string;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const failed = await until(`attempt ${attempt} recorded`, async () => (await deliveries()).find((d) => d.attempts >= attempt && d.responseStatus >= 500));
      expect(failed.status).toBe("pending");
      const retry = await call(`/api/admin/projects/${projectId}/webhooks/${webhookId}/deliveries/${failed.id}/retry`, { method: "POST", headers: admin() });
      expect(retry.status).toBe(202);
    }
    const delivered = await until("the delivery", async () => (await deliveries()).find((d) => d.status === "delivered"));
    expect(delivered).toMatchObject({ attempts: 4, responseStatus: 200, eventType: "user.created" });
    const mine = hook.hits.filter((h) => h.userId === userId);
    expect(mine.map((h) => h.answered)).toEqual([500, 503, 502, 200]);
    expect(mine.every((h) => h.verified && h.type === "user.created" && h.id === delivered.eventId)).toBe(true);
    const again = await call(`/api/admin/projects/${projectId}/webhooks/${webhookId}/deliveries/${delivered.id}/retry`, { method: "POST", headers: admin() });
    expect(again.status).toBe(409);

    // 2. The receiver is down and the Worker stops right after the commit; after a restart, the Cron's sweep delivers.
    await hook.close();
    const second = await call(`/api/auth/${projectId}/register`, {
      method: "POST",
      body: JSON.stringify({ email: "second@example.com", password: "strongpassword123" }),
    });
    expect(second.status).toBe(201);
    await server.stop();
    await hook.listen();
    server = await start(false);
    const secondId = second.body.data.user.id as string;
    const hit = await until("the delivery after the restart", async () => {
      await fetch(`${server!.url}/__scheduled?cron=*/15+*+*+*+*`);
      return hook.hits.find((h) => h.userId === secondId && h.answered === 200);
    });
    expect(hit).toMatchObject({ verified: true, type: "user.created" });
    const relogin = await call("/api/admin/login", { method: "POST", body: JSON.stringify({ email: VARS.ADMIN_EMAIL, password: VARS.ADMIN_PASSWORD }) });
    login.body = relogin.body;
    const rows = await until("both recorded delivered", async () => {
      const list = await deliveries();
      return list.length === 2 && list.every((d) => d.status === "delivered") ? list : undefined;
    });
    expect(rows).toHaveLength(2);
    expect(hook.hits.filter((h) => h.answered === 200)).toHaveLength(2);
  }, 240_000);
});
