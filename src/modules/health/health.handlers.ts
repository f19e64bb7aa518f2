import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/types";
import { API_VERSION } from "../../lib/version";
import type { getHealth } from "./health.routes";

export const healthHandler: RouteHandler<typeof getHealth, AppEnv> = (c) =>
  c.json({ success: true as const, data: { status: "ok" as const, version: API_VERSION, time: new Date().toISOString() } }, 200);
