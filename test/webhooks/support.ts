// Webhook tests' plumbing: requests through the Worker's fetch in the test's context (so a fake
// WEBHOOKS queue records what was enqueued), the exported queue handler fed a fake MessageBatch,
// and a stubbed outbound fetch standing in for the receiver.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { vi } from "vitest";
import worker from "../../src/index";
import type { DeliveryMessage } from "../../src/webhooks/delivery";
import { adminClient, ownerToken } from "../helpers/admin";
import { waitingClient } from "../helpers/client";
import { createProject, PASSWORD, uniqueId } from "../helpers/fixtures";

export const TARGET = "https://hooks.example.com/edge-auth";

/** A queue producer that only records the delivery ids sent to it. */
export function fakeQueue() {
  const sent: string[] = [];
  const queue = {
    send: async (body: DeliveryMessage) => void sent.push(body.deliveryId),
    sendBatch: async (messages: Iterable<{ body: DeliveryMessage }>) => {
      for (const m of messages) sent.push(m.body.deliveryId);
    },
  };
  const saved = env.WEBHOOKS;
  Object.assign(env, { WEBHOOKS: queue });
  return { sent, restore: () => Object.assign(env, { WEBHOOKS: saved }), take: () => sent.splice(0) };
}

/** Runs the exported queue handler on one message per delivery id; returns what it acked and retried. */
export async function consume(ids: readonly string[]) {
  const acked: string[] = [];
  const retried: { id: string; delaySeconds: number | undefined }[] = [];
  const messages = ids.map((deliveryId, i) => ({
    id: `m${i}`,
    timestamp: new Date(),
    attempts: 1,
    body: { deliveryId },
    ack: () => acked.push(deliveryId),
    retry: (options?: QueueRetryOptions) => retried.push({ id: deliveryId, delaySeconds: options?.delaySeconds }),
  }));
  const batch = { queue: "edge-auth-webhooks", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
  const ctx = createExecutionContext();
  await worker.queue!(batch, env, ctx);
  await waitOnExecutionContext(ctx);
  return { acked, retried };
}

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Answers the Worker's outbound calls in turn (a Response, or an Error to throw), recording each request. */
export function stubReceiver(...answers: (Response | Error)[]): Received[] {
  const received: Received[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
    const answer = answers.shift();
    if (!answer) throw new Error(`receiver stub has no answer left for ${request.url}`);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return received;
}

/** A project with the owner's session, a client that runs requests in this context, and one webhook subscribed to `events`. */
export async function projectWithWebhook(events: string[], url = TARGET) {
  const projectId = await createProject();
  const token = await ownerToken();
  const admin = waitingClient({ "X-Admin-Session": token });
  const created = await adminClient(token).POST("/api/admin/projects/{projectId}/webhooks", {
    params: { path: { projectId } },
    body: { url, events: events as any },
  });
  if (created.response.status !== 201) throw new Error(`create webhook failed: ${created.response.status} ${JSON.stringify(created.error)}`);
  return { projectId, token, admin, webhook: created.data!.data };
}

/** Registers a user through the Worker in this context; returns tokens and user. */
export async function register(projectId: string, email = `${uniqueId("u")}@example.com`) {
  const { client, settled } = waitingClient();
  const { data, response } = await client.POST("/api/auth/{projectId}/register", {
    params: { path: { projectId } },
    body: { email, password: PASSWORD, displayName: "Hook User" },
  });
  await settled();
  if (response.status !== 201) throw new Error(`register failed: ${response.status}`);
  return { ...data!.data, email };
}

export const deliveryRows = (projectId: string) =>
  env.DB.prepare(
    `SELECT d.*, e.type AS event_type, e.id AS msg_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.project_id = ? ORDER BY e.created_at, e.type`,
  )
    .bind(projectId)
    .all<Record<string, any>>()
    .then((r) => r.results);

export const eventTypes = (projectId: string) =>
  env.DB.prepare(`SELECT type FROM webhook_events WHERE project_id = ? ORDER BY rowid`)
    .bind(projectId)
    .all<{ type: string }>()
    .then((r) => r.results.map((e) => e.type));
