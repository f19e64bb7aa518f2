import { createRoute } from "@hono/zod-openapi";
import { ok } from "../../schemas/envelope";
import { HealthSchema } from "../../schemas/health";

export const getHealth = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["Meta"],
  summary: "Liveness check",
  security: [],
  description: "Answers without touching storage; use it for load balancer checks and as the benchmark baseline.",
  responses: { 200: ok(HealthSchema, "The service is up.") },
});
