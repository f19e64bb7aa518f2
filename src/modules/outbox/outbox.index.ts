import { createRouter } from "../../lib/create-router";
import * as handlers from "./outbox.handlers";
import * as routes from "./outbox.routes";

export const outbox = createRouter().openapi(routes.listOutbox, handlers.listOutboxHandler);
