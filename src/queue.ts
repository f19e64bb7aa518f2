// The queue consumer (wrangler.toml [[queues.consumers]]): one queue carries webhook deliveries
// (`{ deliveryId }`, the original shape, still accepted) and emails (`{ kind: "email", id }`).
import { consumeEmail, type EmailMessage, isEmailMessage } from "./email/queue";
import type { Bindings } from "./lib/types";
import { consumeDelivery, type DeliveryMessage } from "./webhooks/delivery";

export type JobMessage = DeliveryMessage | EmailMessage;

const isDeliveryMessage = (body: unknown): body is DeliveryMessage =>
  typeof body === "object" && body !== null && typeof (body as DeliveryMessage).deliveryId === "string";

export const queue: ExportedHandlerQueueHandler<Bindings> = async (batch, env) => {
  await Promise.all(
    batch.messages.map(async (message) => {
      const body: unknown = message.body;
      if (isEmailMessage(body)) return consumeEmail(env, message, body);
      if (isDeliveryMessage(body)) return consumeDelivery(env, message, body);
      // Nothing could ever handle it: retrying would only fill the queue.
      console.error(JSON.stringify({ job: "queue", error: "unknown message", id: message.id }));
      message.ack();
    }),
  );
};
