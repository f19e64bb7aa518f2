// Events reach receivers through the queue: signed per Standard Webhooks, retried with backoff,
// never sent again after a 2xx, failed after the last retry and retryable by an admin.
import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WEBHOOK_RETRY_DELAYS_S } from "../../src/config";
import worker from "../../src/index";
import { ownerToken } from "../helpers/admin";
import { waitingClient } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { consume, deliveryRows, fakeQueue, projectWithWebhook, register, stubReceiver, TARGET } from "./support";

let queue: ReturnType<typeof fakeQueue>;
let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  queue = fakeQueue();
  clock = fakeClock();
});
afterEach(() => {
  queue.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const ok = () => new Response("ok", { status: 200 });
const status = (code: number, headers: Record<string, string> = {}) => new Response("no", { status: code, headers });

describe("delivery through the WEBHOOKS queue", () => {
  it("POSTs the signed payload `{ type, timestamp, data }` that verifies with the standardwebhooks library", async () => {
    const { projectId, webhook } = await projectWithWebhook(["user.created"]);
    const user = await register(projectId);
    const ids = queue.take();
    expect(ids).toHaveLength(1);
    const received = stubReceiver(ok());
    const { acked, retried } = await consume(ids);
    expect({ acked, retried }).toEqual({ acked: ids, retried: [] });
    const [call] = received;
    expect(call!.url).toBe(TARGET);
    expect(call!.headers["content-type"]).toBe("application/json");
    const payload = new Webhook(webhook.secret).verify(call!.body, call!.headers) as any;
    expect(payload).toEqual({ type: "user.created", timestamp: expect.any(String), data: expect.objectContaining({ id: user.user.id, email: user.email }) });
    expect(call!.body).not.toMatch(/password_hash|scrypt|\$/);
    expect(payload.data.hasPassword).toBe(true);
    const [row] = await deliveryRows(projectId);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, response_status: 200, msg_id: call!.headers["webhook-id"] });
    expect(call!.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it("retries with backoff, ignores early copies, and never sends again after a 2xx", async () => {
    const { projectId } = await projectWithWebhook(["user.created"]);
    await register(projectId);
    const ids = queue.take();
    const received = stubReceiver(status(500), new Error("connection refused"), status(302, { Location: "http://169.254.169.254/" }), ok());
    expect((await consume(ids)).retried).toEqual([{ id: ids[0], delaySeconds: WEBHOOK_RETRY_DELAYS_S[0] }]);
    // A duplicate message before the attempt is due (or while another consumer holds it): acked, nothing sent.
    expect(await consume(ids)).toEqual({ acked: ids, retried: [] });
    expect(received).toHaveLength(1);
    for (const [i, expected] of [
      [1, { response_status: null, last_error: expect.stringContaining("connection refused") }],
      [2, { response_status: 302, last_error: expect.stringContaining("redirects are not followed") }],
    ] as const) {
      clock.tick(WEBHOOK_RETRY_DELAYS_S[i - 1]! * 1000);
      expect((await consume(ids)).retried).toEqual([{ id: ids[0], delaySeconds: WEBHOOK_RETRY_DELAYS_S[i] }]);
      expect((await deliveryRows(projectId))[0]).toMatchObject({ status: "pending", attempts: i + 1, ...expected });
    }
    clock.tick(WEBHOOK_RETRY_DELAYS_S[2]! * 1000);
    expect(await consume(ids)).toEqual({ acked: ids, retried: [] });
    expect((await deliveryRows(projectId))[0]).toMatchObject({ status: "delivered", attempts: 4, response_status: 200, last_error: null });
    // However late another copy arrives (a Cron re-enqueue, a queue redelivery), it is not sent.
    clock.tick(24 * 3600_000);
    expect(await consume(ids)).toEqual({ acked: ids, retried: [] });
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
  });

  it("fails after the last retry; an admin retry sends it again, and a delivered one cannot be retried (409)", async () => {
    const { projectId, webhook } = await projectWithWebhook(["user.created"]);
    await register(projectId);
    const ids = queue.take();
    stubReceiver(...Array.from({ length: WEBHOOK_RETRY_DELAYS_S.length + 1 }, () => status(503)), ok());
    for (const delay of [...WEBHOOK_RETRY_DELAYS_S, null]) {
      const { retried, acked } = await consume(ids);
      expect(delay === null ? acked : retried.map((r) => r.delaySeconds)).toEqual(delay === null ? ids : [delay]);
      clock.tick((delay ?? 0) * 1000);
    }
    const admin = waitingClient({ "X-Admin-Session": await ownerToken() }); // a day later: a fresh admin session
    const path = { projectId, webhookId: webhook.id };
    const listed = await admin.client.GET("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries", { params: { path, query: { status: "failed" } } });
    expect(listed.data!.data).toEqual([
      expect.objectContaining({ id: ids[0], eventType: "user.created", status: "failed", attempts: 8, responseStatus: 503, nextAttemptAt: null }),
    ]);
    const retryPath = { ...path, deliveryId: ids[0]! };
    const retry = await admin.client.POST("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", {
      params: { path: retryPath },
    });
    await admin.settled();
    expect(retry.response.status).toBe(202);
    expect(queue.take()).toEqual(ids);
    expect(await consume(ids)).toEqual({ acked: ids, retried: [] });
    expect((await deliveryRows(projectId))[0]).toMatchObject({ status: "delivered", attempts: 9 });
    const again = await admin.client.POST("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", {
      params: { path: retryPath },
    });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: "CONFLICT" });
    const missing = await admin.client.POST("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", {
      params: { path: { ...path, deliveryId: "whd_missing" } },
    });
    expect(missing.response.status).toBe(404);
  });

  it("signs with both secrets for 24 hours after a rotation; each verifies", async () => {
    const { projectId, admin, webhook } = await projectWithWebhook(["user.created"]);
    const rotated = await admin.client.POST("/api/admin/projects/{projectId}/webhooks/{webhookId}/rotate-secret", {
      params: { path: { projectId, webhookId: webhook.id } },
    });
    const newSecret = rotated.data!.data.secret;
    await register(projectId);
    const received = stubReceiver(ok(), ok());
    await consume(queue.take());
    const [call] = received;
    expect(call!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [webhook.secret, newSecret]) expect(() => new Webhook(secret).verify(call!.body, call!.headers)).not.toThrow();
    clock.tick(24 * 3600_000 + 1000);
    await register(projectId);
    await consume(queue.take());
    expect(received[1]!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new Webhook(newSecret).verify(received[1]!.body, received[1]!.headers)).not.toThrow();
    expect(() => new Webhook(webhook.secret).verify(received[1]!.body, received[1]!.headers)).toThrow();
  });

  it("re-checks the target before sending: a loopback webhook of a project moved to production is not called", async () => {
    const { projectId } = await projectWithWebhook(["user.created"], "http://127.0.0.1:8796/hook");
    await register(projectId);
    await env.DB.prepare(`UPDATE projects SET environment = 'production' WHERE id = ?`).bind(projectId).run();
    const received = stubReceiver();
    expect(await consume(queue.take())).toMatchObject({ retried: [] });
    expect(received).toHaveLength(0);
    expect((await deliveryRows(projectId))[0]).toMatchObject({ status: "failed", last_error: expect.stringContaining("development") });
  });

  it("the Cron re-enqueues pending deliveries whose attempt is overdue (a lost queue message)", async () => {
    const { projectId } = await projectWithWebhook(["user.created"]);
    await register(projectId);
    const lost = queue.take();
    clock.tick(1000);
    await worker.scheduled!({ cron: "*/15 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env, {
      waitUntil() {},
      passThroughOnException() {},
    } as unknown as ExecutionContext);
    expect(queue.take()).toEqual(expect.arrayContaining(lost));
    stubReceiver(ok());
    await consume(lost);
    expect((await deliveryRows(projectId))[0]).toMatchObject({ status: "delivered" });
  });
});
