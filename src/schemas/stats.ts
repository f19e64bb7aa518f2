import { z } from "@hono/zod-openapi";
import { STATS_DAYS } from "../config";

export const StatsQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(STATS_DAYS.max)
    .default(STATS_DAYS.default)
    .openapi({
      param: { name: "days", in: "query", description: `How many UTC days, ending today, 1–${STATS_DAYS.max} (default ${STATS_DAYS.default}).` },
      example: 30,
    }),
});

const count = (description: string, example: number) => z.number().int().min(0).openapi({ description, example });

export const DayStatsSchema = z
  .object({
    date: z.string().openapi({ description: "The UTC day, YYYY-MM-DD.", example: "2026-01-01" }),
    signUps: count("Successful registrations (`auth.register`).", 3),
    signInsOk: count(
      "Successful sign-ins: password logins (`auth.login`), social sign-ins (`auth.oauth.token`), passkeys (`auth.passkey.login`), emailed codes and links (`auth.passwordless.verify`) and second-factor answers (`auth.mfa.verify`); a sign-in that owes a second factor counts when it is answered (an emailed code followed by a second factor counts at both steps).",
      42,
    ),
    signInsFailed: count("Refused or blocked sign-in attempts of the same kinds.", 5),
    activeUsers: count("Distinct users with at least one successful event that day (sign-in, refresh, ...).", 17),
  })
  .openapi("DayStats");

export const ProjectStatsSchema = z
  .object({
    days: z.number().int().openapi({ example: 30 }),
    from: z.string().datetime().openapi({ description: "Start of the first day (inclusive).", example: "2026-01-01T00:00:00.000Z" }),
    to: z.string().datetime().openapi({ description: "End of today (exclusive).", example: "2026-01-31T00:00:00.000Z" }),
    series: z.array(DayStatsSchema).openapi({ description: "One entry per day, oldest first; days without activity are zeros." }),
  })
  .openapi("ProjectStats");
