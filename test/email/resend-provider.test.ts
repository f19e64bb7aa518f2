// EMAIL_PROVIDER=resend against a stubbed fetch: the request Resend receives, retries through the
// queue (a fake producer and the exported queue handler), failures, and an outbox that keeps
// metadata only (never a body with a live token in the clear).
import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RESEND_URL } from "../../src/email/resend-provider";
import { EMAIL_RETRY_DELAYS_S } from "../../src/config";
import { fakeClock } from "../helpers/clock";
import { registerUser, uniqueId } from "../helpers/fixtures";
import { auditRows, emailFlows, emailProject, inbox } from "./mailbox";
import { consume, cron, fakeQueue, only, queuedFlows } from "./queue";

const API_KEY = "re_test_0123456789abcdefghijklmnop";
const saved = { EMAIL_PROVIDER: env.EMAIL_PROVIDER, RESEND_API_KEY: env.RESEND_API_KEY };

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
let queued: ReturnType<typeof queuedFlows>;
let queue: ReturnType<typeof fakeQueue>;
let clock: ReturnType<typeof fakeClock>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
  queued = queuedFlows(projectId);
});
beforeEach(() => {
  Object.assign(env, { EMAIL_PROVIDER: "resend", RESEND_API_KEY: API_KEY });
  queue = fakeQueue();
  clock = fakeClock();
});
afterEach(() => {
  queue.restore();
  Object.assign(env, saved);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

type Answer = () => Response | Promise<Response>;
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

interface Call {
  method: string;
  headers: Headers;
  body: Record<string, any>;
}

/** Answers the Worker's calls to Resend in turn, recording each request; any other fetch fails the test. */
function stubResend(...answers: Answer[]): Call[] {
  const calls: Call[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url !== RESEND_URL) throw new Error(`unexpected fetch to ${request.url}`);
    // Read here: a body cannot be read later from the test's own context.
    calls.push({ method: request.method, headers: request.headers, body: (await request.json()) as Record<string, any> });
    const answer = answers.shift();
    if (!answer) throw new Error("Resend stub has no answer left");
    return answer();
  });
  return calls;
}

const rawRows = (userId: string) => env.DB.prepare(`SELECT * FROM email_outbox WHERE user_id = ?`).bind(userId).all<Record<string, unknown>>();

describe("EMAIL_PROVIDER=resend", () => {
  it("posts the message to Resend and keeps only metadata in the outbox; the mailed link works", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(200, { id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" }));
    const { data, response } = await flows.sendVerification(user.accessToken);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ sent: true });

    expect(calls).toHaveLength(1);
    const request = calls[0]!;
    expect(request.method).toBe("POST");
    expect(request.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(request.headers.get("content-type")).toBe("application/json");
    const { body } = request;
    expect(Object.keys(body).sort()).toEqual(["from", "html", "subject", "text", "to"]);
    expect(body.from).toBe(env.EMAIL_FROM);
    expect(body.to).toEqual([user.email]);
    expect(body.subject).toBe(`Confirm your email address for Project ${projectId}`);
    const token = /[?&]token=([\w-]+)/.exec(body.text)![1]!;
    expect(body.html).toContain(`token=${token}&amp;type=verify_email`);

    const [message] = await inbox(projectId, user.email);
    expect(message).toMatchObject({
      status: "sent",
      provider: "resend",
      attempts: 1,
      messageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      lastError: null,
      subject: null,
      text: null,
      html: null,
    });
    expect(request.headers.get("idempotency-key")).toBe(message!.id);
    const { results } = await rawRows(user.user.id);
    // The sealed copy the queue would have needed goes with the delivery.
    expect(results).toMatchObject([{ subject: null, text_body: null, html_body: null, sealed_body: null }]);
    expect(JSON.stringify(results)).not.toContain(token);

    expect((await flows.confirm(token)).response.status).toBe(200);
  });

  it("retries 429 and 5xx through the queue with the same idempotency key (a longer Retry-After honoured), then succeeds", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(
      json(429, { name: "rate_limit_exceeded", message: "Too many requests" }, { "Retry-After": "100" }),
      json(503, { name: "internal_server_error", message: "Unavailable" }),
      json(200, { id: "resend-after-retries" }),
    );
    // The request makes the first attempt; the retry is the queue's, so the answer is already 200.
    const sent = await queued.sendVerification(user.accessToken);
    expect(sent.response.status).toBe(200);
    expect(sent.data!.data).toEqual({ sent: true });
    expect(calls).toHaveLength(1);
    const [message] = queue.take();
    expect(message!.delaySeconds).toBe(100);
    // A copy delivered early (before the attempt is due) sends nothing.
    expect(await consume([message!.body])).toEqual({ acked: [message!.body], retried: [] });
    expect(calls).toHaveLength(1);
    clock.tick(100_000);
    expect((await consume([message!.body])).retried).toEqual([{ body: message!.body, delaySeconds: EMAIL_RETRY_DELAYS_S[1] }]);
    clock.tick(EMAIL_RETRY_DELAYS_S[1]! * 1000);
    expect(await consume([message!.body])).toEqual({ acked: [message!.body], retried: [] });
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((r) => r.headers.get("idempotency-key"))).size).toBe(1);
    const [row] = await inbox(projectId, user.email);
    expect(row).toMatchObject({ status: "sent", attempts: 3, messageId: "resend-after-retries", lastError: null });
    expect((await rawRows(user.user.id)).results).toMatchObject([{ sealed_body: null, next_attempt_at: null }]);
  });

  it("retries a network failure through the queue", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(() => Promise.reject(new TypeError("Network connection lost")), json(200, { id: "after-network-error" }));
    expect((await queued.sendVerification(user.accessToken)).response.status).toBe(200);
    const [message] = queue.take();
    expect(message!.delaySeconds).toBe(EMAIL_RETRY_DELAYS_S[0]);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "queued", attempts: 1, lastError: "Resend could not be reached" });
    clock.tick(EMAIL_RETRY_DELAYS_S[0]! * 1000);
    await consume([message!.body]);
    expect(calls).toHaveLength(2);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it(`gives up after ${EMAIL_RETRY_DELAYS_S.length + 1} attempts: a failed outbox row without secrets, an audit entry`, async () => {
    const user = await registerUser(projectId);
    const leaky = { name: "internal_server_error", message: `key ${API_KEY} could not send verify_${"x".repeat(43)}` };
    const attempts = EMAIL_RETRY_DELAYS_S.length + 1;
    const calls = stubResend(...Array.from({ length: attempts }, () => json(500, leaky)));
    expect((await queued.sendVerification(user.accessToken)).response.status).toBe(200);
    const [message] = queue.take();
    for (const delay of EMAIL_RETRY_DELAYS_S) {
      clock.tick(delay * 1000);
      await consume([message!.body]);
    }
    expect(calls).toHaveLength(attempts);
    const [row] = await inbox(projectId, user.email);
    expect(row).toMatchObject({ status: "failed", attempts, provider: "resend", subject: null, text: null, html: null });
    expect(row!.lastError).toMatch(/^Resend answered 500 \(internal_server_error: key \[redacted\] could not send \[redacted\]\)$/);
    expect((await rawRows(user.user.id)).results).toMatchObject([{ sealed_body: null, next_attempt_at: null }]);
    const failures = (await auditRows(projectId, "email.delivery")).filter((r) => r.target_id === row!.id);
    expect(failures).toMatchObject([{ outcome: "failure", actor_type: "system", details: { template: "verify_email", provider: "resend", attempts } }]);
    expect(JSON.stringify(failures)).not.toContain(API_KEY);
  });

  it("does not retry a refusal such as 422: 502 UPSTREAM_ERROR at once, nothing queued", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(422, { name: "validation_error", message: "The from field is invalid." }));
    const { response, error } = await queued.sendVerification(user.accessToken);
    expect(response.status).toBe(502);
    expect(error!.code).toBe("UPSTREAM_ERROR");
    expect(calls).toHaveLength(1);
    expect(queue.take()).toEqual([]);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "Resend answered 422 (validation_error: The from field is invalid.)",
    });
  });

  it("records a missing RESEND_API_KEY as a failed delivery without calling out", async () => {
    Object.assign(env, { RESEND_API_KEY: undefined });
    const user = await registerUser(projectId);
    const calls = stubResend();
    expect((await flows.sendVerification(user.accessToken)).response.status).toBe(502);
    expect(calls).toHaveLength(0);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "failed", attempts: 0, lastError: "RESEND_API_KEY is not configured" });
  });

  it("delivers password resets in the background through the queue: the same 200 at once, the outcome in the outbox", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(503, {}), json(200, { id: "reset-message" }));
    const known = await queued.forgot(user.email);
    const unknown = await queued.forgot(`${uniqueId("nobody")}@example.com`);
    expect(known.response.status).toBe(200);
    expect(JSON.stringify(known.data)).toBe(JSON.stringify(unknown.data));
    // Nothing was sent by the request itself: only the known address's email was enqueued.
    expect(calls).toHaveLength(0);
    const enqueued = queue.take();
    expect(enqueued).toEqual([{ body: { kind: "email", id: expect.stringMatching(/^msg_/) }, delaySeconds: undefined }]);
    const { body: message } = enqueued[0]!;
    expect((await rawRows(user.user.id)).results[0]!.sealed_body).toMatch(/^v1\./);

    expect((await consume([message])).retried).toEqual([{ body: message, delaySeconds: EMAIL_RETRY_DELAYS_S[0] }]);
    clock.tick(EMAIL_RETRY_DELAYS_S[0]! * 1000);
    await consume([message]);
    const [row] = await inbox(projectId, user.email);
    expect(row).toMatchObject({ status: "sent", attempts: 2, messageId: "reset-message", subject: null, text: null, html: null });
    const { body } = calls[1]!;
    const token = /[?&]token=([\w-]+)/.exec(body.text)![1]!;
    expect(token).toMatch(/^reset_/);
    expect(JSON.stringify((await rawRows(user.user.id)).results)).not.toContain(token);
    expect((await flows.reset(token, "a brand new passphrase")).response.status).toBe(200);
  });

  it("a Resend failure (503 twice, then 200) is retried through the queue and sent exactly once; a duplicate message after it sends nothing", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(503, {}), json(503, {}), json(200, { id: "third-time" }));
    await queued.forgot(user.email);
    const { body: message } = only(queue.take());
    for (const delay of [EMAIL_RETRY_DELAYS_S[0]!, EMAIL_RETRY_DELAYS_S[1]!]) {
      expect((await consume([message])).retried).toEqual([{ body: message, delaySeconds: delay }]);
      clock.tick(delay * 1000);
    }
    expect(await consume([message])).toEqual({ acked: [message], retried: [] });
    expect(calls).toHaveLength(3);
    // At-least-once delivery: the same message again, now and later, finds the row sent.
    expect(await consume([message, message])).toEqual({ acked: [message, message], retried: [] });
    clock.tick(24 * 3600_000);
    await consume([message]);
    expect(calls).toHaveLength(3);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "sent", attempts: 3, messageId: "third-time" });
  });

  it("a 400 fails at once in the consumer: no retry, failed, audited", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(400, { name: "validation_error", message: "Invalid `to` field." }));
    await queued.forgot(user.email);
    const { body: message } = only(queue.take());
    expect(await consume([message])).toEqual({ acked: [message], retried: [] });
    expect(calls).toHaveLength(1);
    const [row] = await inbox(projectId, user.email);
    expect(row).toMatchObject({ status: "failed", attempts: 1, lastError: "Resend answered 400 (validation_error: Invalid `to` field.)" });
    expect((await rawRows(user.user.id)).results).toMatchObject([{ sealed_body: null }]);
    expect((await auditRows(projectId, "email.delivery")).filter((r) => r.target_id === row!.id)).toHaveLength(1);
  });

  it("re-enqueues from the Cron an email whose message was lost, or whose attempt's Worker is gone", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(200, { id: "after-cron" }));
    await queued.forgot(user.email);
    const lost = only(queue.take()).body as { id: string };
    clock.tick(1000);
    await cron();
    const again = queue.take().filter((m) => (m.body as { id?: string }).id === lost.id);
    expect(again).toEqual([{ body: { kind: "email", id: lost.id }, delaySeconds: undefined }]);
    // A Worker that claimed the row and died holds it only for the lease: not due again before then.
    await env.DB.prepare(`UPDATE email_outbox SET next_attempt_at = ? WHERE id = ?`)
      .bind(new Date(Date.now() + 60_000).toISOString(), lost.id)
      .run();
    await cron();
    expect(queue.take().filter((m) => (m.body as { id?: string }).id === lost.id)).toEqual([]);
    clock.tick(61_000);
    await cron();
    expect(queue.take().filter((m) => (m.body as { id?: string }).id === lost.id)).toHaveLength(1);
    await consume([again[0]!.body]);
    expect(calls).toHaveLength(1);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "sent", messageId: "after-cron" });
  });

  it("without a queue binding delivers from the request as before, retries included", async () => {
    queue.restore();
    const saved = env.WEBHOOKS;
    Object.assign(env, { WEBHOOKS: undefined });
    try {
      const user = await registerUser(projectId);
      const calls = stubResend(json(503, {}), json(200, { id: "inline" }));
      expect((await queued.sendVerification(user.accessToken)).response.status).toBe(200);
      expect(calls).toHaveLength(2);
      expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "sent", attempts: 2, messageId: "inline" });
      expect((await rawRows(user.user.id)).results).toMatchObject([{ sealed_body: null, next_attempt_at: null }]);
    } finally {
      Object.assign(env, { WEBHOOKS: saved });
    }
  });
});
