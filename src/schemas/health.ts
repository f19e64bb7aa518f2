import { z } from "@hono/zod-openapi";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
    time: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
  })
  .openapi("Health");
