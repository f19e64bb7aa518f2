import { z } from "@hono/zod-openapi";
import { PageQuery } from "./envelope";

const OutcomeSchema = z.enum(["success", "failure", "blocked"]).openapi("AuditOutcome", {
  description: "success: the action happened. failure: it was refused (e.g. wrong password). blocked: refused as abuse (e.g. rate limit, token reuse).",
});

const ActorTypeSchema = z.enum(["user", "admin", "anonymous", "system"]).openapi("AuditActorType");

const nullableId = (example: string) => z.string().nullable().openapi({ example });

export const AuditEventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_4hT2pQ9xW1bYt7xZ3mW9aA" }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    type: z.string().openapi({ description: "What happened, dotted: `auth.login`, `admin.user.update`, ...", example: "admin.user.update" }),
    outcome: OutcomeSchema,
    actorType: ActorTypeSchema,
    actorId: nullableId("adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz").openapi({ description: "The user or admin who acted; null when anonymous." }),
    projectId: nullableId("mobile_app"),
    targetType: z.string().nullable().openapi({ example: "user" }),
    targetId: nullableId("usr_8Jd2kq0xP1bYt7xZ3mW9aA"),
    ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
    userAgent: z.string().nullable().openapi({ example: "Mozilla/5.0" }),
    requestId: z
      .string()
      .nullable()
      .openapi({ description: "The X-Request-Id of the request that caused the event.", example: "3f2a9c1e-7b4d-4e8a-9c61-2d5f0b8e1a47" }),
    details: z
      .record(z.string(), z.unknown())
      .openapi({ description: "Event-specific facts (e.g. which fields changed). Never holds secrets.", example: { disabled: true, password: "changed" } }),
  })
  .openapi("AuditEvent");

const filter = (name: string, description: string, example: string) => ({ param: { name, in: "query" as const, description }, example });

export const ListAuditQuery = PageQuery.extend({
  projectId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi(filter("projectId", "Only events of this project.", "mobile_app")),
  type: z
    .string()
    .max(100)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/, "must be an event type such as `auth.login`, or a prefix ending in `.*` such as `auth.*`")
    .optional()
    .openapi(filter("type", "An exact event type, or a prefix ending in `.*` (`auth.*` matches `auth.login`, `auth.refresh`, ...).", "auth.*")),
  actor: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi(filter("actor", "Only events by this user or admin id.", "adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz")),
  outcome: OutcomeSchema.optional().openapi({ param: { name: "outcome", in: "query", description: "Only events with this outcome." } }),
  from: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi(filter("from", "Events at or after this ISO-8601 time (inclusive).", "2026-01-01T00:00:00Z")),
  to: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi(filter("to", "Events before this ISO-8601 time (exclusive).", "2026-02-01T00:00:00Z")),
});
