// Each event is written in the D1 batch of the change that causes it (the outbox): a change that
// fails writes none, a project without subscribers writes nothing, and the deliveries are queued.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { REUSE_GRACE_MS } from "../../src/config";
import { WEBHOOK_EVENT_TYPES } from "../../src/webhooks/events";
import { ownerToken } from "../helpers/admin";
import { waitingClient } from "../helpers/client";
import { createProject, PASSWORD, uniqueId } from "../helpers/fixtures";
import { latestLink, REDIRECT, setRedirectUrls } from "../email/mailbox";
import { codeAt } from "../mfa/helpers";
import { deliveryRows, eventTypes, fakeQueue, projectWithWebhook, register } from "./support";

let queue: ReturnType<typeof fakeQueue>;
beforeEach(() => {
  queue = fakeQueue();
});
afterEach(() => {
  queue.restore();
  vi.useRealTimers();
});

/** A request through the Worker in this context, its waitUntil work (the enqueue) awaited. */
async function send<T>(headers: Record<string, string>, run: (client: ReturnType<typeof waitingClient>["client"]) => Promise<T>): Promise<T> {
  const { client, settled } = waitingClient(headers);
  const result = await run(client);
  await settled();
  return result;
}

/** Runs `change` and returns the event types it wrote, checking each got one delivery, queued. */
async function eventsOf(projectId: string, change: () => Promise<unknown>): Promise<string[]> {
  const before = (await eventTypes(projectId)).length;
  const deliveriesBefore = (await deliveryRows(projectId)).length;
  await change();
  const written = (await eventTypes(projectId)).slice(before);
  const deliveries = (await deliveryRows(projectId)).slice(deliveriesBefore);
  expect(deliveries).toHaveLength(written.length);
  expect(queue.take().sort()).toEqual(deliveries.map((d) => d.id).sort());
  return written.sort();
}

const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

describe("webhook events", () => {
  it("are written by the Auth API's changes: register, profile, password, email, sessions, reuse", async () => {
    const { projectId } = await projectWithWebhook([...WEBHOOK_EVENT_TYPES]);
    await setRedirectUrls(projectId, [REDIRECT]);
    const path = { path: { projectId } };
    let user!: Awaited<ReturnType<typeof register>>;
    expect(await eventsOf(projectId, async () => (user = await register(projectId)))).toEqual(["session.created", "user.created"]);
    const auth = bearer(user.accessToken);
    expect(await eventsOf(projectId, () => send(auth, (c) => c.PATCH("/api/auth/{projectId}/me", { params: path, body: { displayName: "New" } })))).toEqual([
      "user.updated",
    ]);
    let second!: any;
    expect(
      await eventsOf(projectId, async () => {
        second = (await send({}, (c) => c.POST("/api/auth/{projectId}/login", { params: path, body: { email: user.email, password: PASSWORD } }))).data!.data;
      }),
    ).toEqual(["session.created"]);
    const changed = await eventsOf(projectId, () =>
      send(auth, (c) =>
        c.POST("/api/auth/{projectId}/me/password", { params: path, body: { currentPassword: PASSWORD, newPassword: "another strong password" } }),
      ),
    );
    expect(changed).toEqual(["session.revoked", "user.password_changed"]); // the other session ended
    expect(
      JSON.parse(
        (await env.DB.prepare(`SELECT data FROM webhook_events WHERE type = 'session.revoked' AND project_id = ?`).bind(projectId).first<{ data: string }>())!
          .data,
      ).id,
    ).toBe(second.accessToken ? JSON.parse(atob(second.accessToken.split(".")[1])).sid : "");
    await send(auth, (c) => c.POST("/api/auth/{projectId}/verify-email/send", { params: path, body: {} }));
    const verify = await latestLink(projectId, user.email);
    expect(
      await eventsOf(projectId, () => send({}, (c) => c.POST("/api/auth/{projectId}/verify-email/confirm", { params: path, body: { token: verify.token } }))),
    ).toEqual(["user.email_verified"]);
    await send({}, (c) => c.POST("/api/auth/{projectId}/password/forgot", { params: path, body: { email: user.email, redirectUrl: REDIRECT } }));
    const reset = await latestLink(projectId, user.email);
    expect(
      await eventsOf(projectId, () =>
        send({}, (c) => c.POST("/api/auth/{projectId}/password/reset", { params: path, body: { token: reset.token, password: PASSWORD } })),
      ),
    ).toEqual(["session.revoked", "user.password_changed"]);

    const fresh = (await send({}, (c) => c.POST("/api/auth/{projectId}/login", { params: path, body: { email: user.email, password: PASSWORD } }))).data!
      .data as any;
    queue.take();
    const sid = JSON.parse(atob(fresh.accessToken.split(".")[1])).sid;
    expect(
      await eventsOf(projectId, () =>
        send(bearer(fresh.accessToken), (c) => c.DELETE("/api/auth/{projectId}/sessions/{sessionId}", { params: { path: { projectId, sessionId: sid } } })),
      ),
    ).toEqual(["session.revoked"]);
    const other = (await send({}, (c) => c.POST("/api/auth/{projectId}/login", { params: path, body: { email: user.email, password: PASSWORD } }))).data!
      .data as any;
    queue.take();
    expect(
      await eventsOf(projectId, () => send({}, (c) => c.POST("/api/auth/{projectId}/logout", { params: path, body: { refreshToken: other.refreshToken } }))),
    ).toEqual(["session.revoked"]);
  });

  it("mfa.enrolled is written when TOTP is confirmed, in the confirm's batch; a wrong code writes none", async () => {
    const { projectId } = await projectWithWebhook([...WEBHOOK_EVENT_TYPES]);
    const user = await register(projectId);
    queue.take();
    const path = { path: { projectId } };
    const auth = bearer(user.accessToken);
    const enrolled = await send(auth, (c) => c.POST("/api/auth/{projectId}/mfa/totp/enroll", { params: path }));
    const { secret } = enrolled.data!.data;
    const wrong = codeAt(secret) === "000000" ? "111111" : "000000";
    expect(
      await eventsOf(projectId, () => send(auth, (c) => c.POST("/api/auth/{projectId}/mfa/totp/confirm", { params: path, body: { code: wrong } }))),
    ).toEqual([]);
    expect(
      await eventsOf(projectId, () => send(auth, (c) => c.POST("/api/auth/{projectId}/mfa/totp/confirm", { params: path, body: { code: codeAt(secret) } }))),
    ).toEqual(["mfa.enrolled"]);
  });

  it("a refresh writes none; a refresh token replayed after the grace window writes session.reuse_detected", async () => {
    const { projectId } = await projectWithWebhook([...WEBHOOK_EVENT_TYPES]);
    const user = await register(projectId);
    queue.take();
    const path = { path: { projectId } };
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    expect(
      await eventsOf(projectId, () => send({}, (c) => c.POST("/api/auth/{projectId}/refresh", { params: path, body: { refreshToken: user.refreshToken } }))),
    ).toEqual([]);
    vi.setSystemTime(Date.now() + REUSE_GRACE_MS + 1000);
    const replay = await eventsOf(projectId, () =>
      send({}, (c) => c.POST("/api/auth/{projectId}/refresh", { params: path, body: { refreshToken: user.refreshToken } })),
    );
    expect(replay).toEqual(["session.reuse_detected"]);
  });

  it("are written by the Admin API's user changes: create, update, password, verify, revoke, delete", async () => {
    const { projectId } = await projectWithWebhook([...WEBHOOK_EVENT_TYPES]);
    const admin = { "X-Admin-Session": await ownerToken() };
    const users = "/api/admin/projects/{projectId}/users";
    let userId = "";
    const email = `${uniqueId("a")}@example.com`;
    expect(
      await eventsOf(projectId, async () => {
        userId = (await send(admin, (c) => c.POST(users, { params: { path: { projectId } }, body: { email } }))).data!.data.id;
      }),
    ).toEqual(["user.created"]);
    const path = { path: { projectId, userId } };
    expect(
      await eventsOf(projectId, () =>
        send(admin, (c) => c.PATCH(`${users}/{userId}`, { params: path, body: { emailVerified: true, password: "a brand new password" } })),
      ),
    ).toEqual(["user.email_verified", "user.password_changed", "user.updated"]);
    await send({}, (c) => c.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password: "a brand new password" } }));
    queue.take();
    expect(await eventsOf(projectId, () => send(admin, (c) => c.POST(`${users}/{userId}/revoke-sessions`, { params: path })))).toEqual(["session.revoked"]);
    const deleted = await eventsOf(projectId, () => send(admin, (c) => c.DELETE(`${users}/{userId}`, { params: path })));
    expect(deleted).toEqual(["user.deleted"]);
    const data = JSON.parse(
      (await env.DB.prepare(`SELECT data FROM webhook_events WHERE type = 'user.deleted' AND project_id = ?`).bind(projectId).first<{ data: string }>())!.data,
    );
    expect(data.id).toBe(userId);
    expect(data.password_hash).toBe(""); // only whether there is one: the hash itself is never copied
  });

  it("a change that fails writes no event: a taken email on register or admin update", async () => {
    const { projectId } = await projectWithWebhook([...WEBHOOK_EVENT_TYPES]);
    const user = await register(projectId);
    const other = await register(projectId);
    queue.take();
    const taken = await eventsOf(projectId, async () => {
      const { response } = await send({}, (c) =>
        c.POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email: user.email, password: PASSWORD } }),
      );
      expect(response.status).toBe(409);
    });
    expect(taken).toEqual([]);
    const admin = { "X-Admin-Session": await ownerToken() };
    const patched = await eventsOf(projectId, async () => {
      const { response } = await send(admin, (c) =>
        c.PATCH("/api/admin/projects/{projectId}/users/{userId}", { params: { path: { projectId, userId: other.user.id } }, body: { email: user.email } }),
      );
      expect(response.status).toBe(409);
    });
    expect(patched).toEqual([]);
  });

  it("a project without a subscribed, enabled webhook writes no event row and queues nothing", async () => {
    const bare = await createProject();
    await register(bare);
    expect(await eventTypes(bare)).toEqual([]);
    const { projectId, webhook, token } = await projectWithWebhook(["user.deleted"]);
    await register(projectId);
    expect(await eventTypes(projectId)).toEqual([]);
    await send({ "X-Admin-Session": token }, (c) =>
      c.PATCH("/api/admin/projects/{projectId}/webhooks/{webhookId}", {
        params: { path: { projectId, webhookId: webhook.id } },
        body: { events: ["user.created"], enabled: false },
      }),
    );
    await register(projectId);
    expect(await eventTypes(projectId)).toEqual([]);
    expect(queue.take()).toEqual([]);
  });
});
