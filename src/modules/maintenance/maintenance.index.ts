import { createRouter } from "../../lib/create-router";
import * as handlers from "./maintenance.handlers";
import * as routes from "./maintenance.routes";

export const maintenance = createRouter().openapi(routes.reseal, handlers.resealHandler);
