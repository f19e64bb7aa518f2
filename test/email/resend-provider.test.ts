// EMAIL_PROVIDER=resend against a stubbed fetch: the request Resend receives, retries, failures,
// and an outbox that keeps metadata only (never a body with a live token).
import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RESEND_URL } from "../../src/email/resend-provider";
import { waitingClient } from "../helpers/client";
import { registerUser, uniqueId } from "../helpers/fixtures";
import { auditRows, emailFlows, emailProject, inbox } from "./mailbox";

const API_KEY = "re_test_0123456789abcdefghijklmnop";
const saved = { EMAIL_PROVIDER: env.EMAIL_PROVIDER, RESEND_API_KEY: env.RESEND_API_KEY };

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
});
beforeEach(() => {
  Object.assign(env, { EMAIL_PROVIDER: "resend", RESEND_API_KEY: API_KEY });
});
afterEach(() => {
  Object.assign(env, saved);
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
    expect(results).toMatchObject([{ subject: null, text_body: null, html_body: null }]);
    expect(JSON.stringify(results)).not.toContain(token);

    expect((await flows.confirm(token)).response.status).toBe(200);
  });

  it("retries 429 and 5xx with the same idempotency key, then succeeds", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(
      json(429, { name: "rate_limit_exceeded", message: "Too many requests" }, { "Retry-After": "1" }),
      json(503, { name: "internal_server_error", message: "Unavailable" }),
      json(200, { id: "resend-after-retries" }),
    );
    expect((await flows.sendVerification(user.accessToken)).response.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((r) => r.headers.get("idempotency-key"))).size).toBe(1);
    const [message] = await inbox(projectId, user.email);
    expect(message).toMatchObject({ status: "sent", attempts: 3, messageId: "resend-after-retries", lastError: null });
  });

  it("retries a network failure", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(() => Promise.reject(new TypeError("Network connection lost")), json(200, { id: "after-network-error" }));
    expect((await flows.sendVerification(user.accessToken)).response.status).toBe(200);
    expect(calls).toHaveLength(2);
    expect((await inbox(projectId, user.email))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("gives up after 3 attempts: 502 UPSTREAM_ERROR, a failed outbox row without secrets, an audit entry", async () => {
    const user = await registerUser(projectId);
    const leaky = { name: "internal_server_error", message: `key ${API_KEY} could not send verify_${"x".repeat(43)}` };
    const calls = stubResend(json(500, leaky), json(500, leaky), json(500, leaky));
    const { error, response } = await flows.sendVerification(user.accessToken);
    expect(response.status).toBe(502);
    expect(error!.code).toBe("UPSTREAM_ERROR");
    expect(calls).toHaveLength(3);

    const [message] = await inbox(projectId, user.email);
    expect(message).toMatchObject({ status: "failed", attempts: 3, provider: "resend", subject: null, text: null, html: null });
    expect(message!.lastError).toMatch(/^Resend answered 500 \(internal_server_error: key \[redacted\] could not send \[redacted\]\)$/);
    const failures = (await auditRows(projectId, "email.delivery")).filter((r) => r.target_id === message!.id);
    expect(failures).toMatchObject([{ outcome: "failure", actor_type: "system", details: { template: "verify_email", provider: "resend", attempts: 3 } }]);
    expect(JSON.stringify(failures)).not.toContain(API_KEY);
  });

  it("does not retry a refusal such as 422", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(422, { name: "validation_error", message: "The from field is invalid." }));
    expect((await flows.sendVerification(user.accessToken)).response.status).toBe(502);
    expect(calls).toHaveLength(1);
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

  it("delivers password resets in the background: the same 200 at once, the outcome in the outbox", async () => {
    const user = await registerUser(projectId);
    const calls = stubResend(json(503, {}), json(200, { id: "reset-message" }));
    const { client, settled } = waitingClient();
    const forgot = (email: string) => client.POST("/api/auth/{projectId}/password/forgot", { params: { path: { projectId } }, body: { email } });
    const known = await forgot(user.email);
    const unknown = await forgot(`${uniqueId("nobody")}@example.com`);
    expect(known.response.status).toBe(200);
    expect(JSON.stringify(known.data)).toBe(JSON.stringify(unknown.data));

    // Wait for the delivery the request left to waitUntil, then read its outcome once.
    await settled();
    const [message] = await inbox(projectId, user.email);
    expect(message).toMatchObject({ status: "sent", attempts: 2, messageId: "reset-message", subject: null, text: null, html: null });
    const { body } = calls[1]!;
    const token = /[?&]token=([\w-]+)/.exec(body.text)![1]!;
    expect(token).toMatch(/^reset_/);
    expect(JSON.stringify((await rawRows(user.user.id)).results)).not.toContain(token);
    expect((await flows.reset(token, "a brand new passphrase")).response.status).toBe(200);
  });
});
