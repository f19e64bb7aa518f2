// Email through the queue, as test/webhooks/support.ts does it for deliveries: requests through the
// Worker's fetch in the test's context (so a fake WEBHOOKS queue records what was enqueued, with its
// delay), and the exported queue handler fed a fake MessageBatch.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { waitingClient } from "../helpers/client";

export interface Enqueued {
  body: unknown;
  delaySeconds: number | undefined;
}

/** A queue producer that only records the messages sent to it. */
export function fakeQueue() {
  const sent: Enqueued[] = [];
  const queue = {
    send: async (body: unknown, options?: QueueSendOptions) => void sent.push({ body, delaySeconds: options?.delaySeconds }),
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  const saved = env.WEBHOOKS;
  Object.assign(env, { WEBHOOKS: queue });
  return { sent, restore: () => Object.assign(env, { WEBHOOKS: saved }), take: () => sent.splice(0) };
}

/** The one message enqueued (fails otherwise). */
export function only(messages: Enqueued[]): Enqueued {
  if (messages.length !== 1) throw new Error(`expected one enqueued message, got ${messages.length}`);
  return messages[0]!;
}

/** Runs the exported queue handler on these message bodies; returns which it acked and which it retried (with the delay). */
export async function consume(bodies: readonly unknown[]) {
  const acked: unknown[] = [];
  const retried: { body: unknown; delaySeconds: number | undefined }[] = [];
  const messages = bodies.map((body, i) => ({
    id: `m${i}`,
    timestamp: new Date(),
    attempts: 1,
    body,
    ack: () => acked.push(body),
    retry: (options?: QueueRetryOptions) => retried.push({ body, delaySeconds: options?.delaySeconds }),
  }));
  const batch = { queue: "edge-auth-webhooks", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
  const ctx = createExecutionContext();
  await worker.queue!(batch, env, ctx);
  await waitOnExecutionContext(ctx);
  return { acked, retried };
}

/** Runs the Cron Trigger's handler once. */
export async function cron() {
  const ctx = createExecutionContext();
  await worker.scheduled!({ cron: "*/15 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The email flows that enqueue, run in the test's context; each call waits for the work left to waitUntil. */
export function queuedFlows(projectId: string) {
  const path = { params: { path: { projectId } } };
  return {
    sendVerification: async (accessToken: string) => {
      const { client, settled } = waitingClient({ Authorization: `Bearer ${accessToken}` });
      const result = await client.POST("/api/auth/{projectId}/verify-email/send", { ...path, body: {} });
      await settled();
      return result;
    },
    forgot: async (email: string) => {
      const { client, settled } = waitingClient();
      const result = await client.POST("/api/auth/{projectId}/password/forgot", { ...path, body: { email } });
      await settled();
      return result;
    },
  };
}
