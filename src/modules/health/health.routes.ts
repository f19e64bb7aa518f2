import { createRoute, z } from "@hono/zod-openapi";
import { ok } from "../../schemas/envelope";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
    time: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
  })
  .openapi("Health");

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
