import type { RouteHandler } from "@hono/zod-openapi";
import { projectDayStats } from "../../db/stats.repo";
import { iso, now } from "../../lib/clock";
import type { AppEnv } from "../../lib/types";
import type { getProjectStats } from "./stats.routes";

const DAY_MS = 86_400_000;

export const getProjectStatsHandler: RouteHandler<typeof getProjectStats, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { days } = c.req.valid("query");
  const end = Math.floor(now() / DAY_MS) * DAY_MS + DAY_MS;
  const start = end - days * DAY_MS;
  const rows = new Map((await projectDayStats(c.env.DB, projectId, iso(start), iso(end))).map((r) => [r.day, r]));
  const series = Array.from({ length: days }, (_, i) => {
    const date = iso(start + i * DAY_MS).slice(0, 10);
    const r = rows.get(date);
    return {
      date,
      signUps: r?.sign_ups ?? 0,
      signInsOk: r?.sign_ins_ok ?? 0,
      signInsFailed: r?.sign_ins_failed ?? 0,
      activeUsers: r?.active_users ?? 0,
    };
  });
  return c.json({ success: true as const, data: { days, from: iso(start), to: iso(end), series } }, 200);
};
