import { createRouter } from "../../lib/create-router";
import { listOutboxHandler } from "./outbox.handlers";
import { listOutbox } from "./outbox.routes";

export const outbox = createRouter().openapi(listOutbox, listOutboxHandler);
