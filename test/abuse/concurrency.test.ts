import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/client";
import { PASSWORD, createProject, uniqueId } from "../helpers/fixtures";
import { raceTimes } from "../helpers/race";

describe("concurrent writes", () => {
  it("20 parallel registrations of one email: exactly one 201, the rest 409 EMAIL_TAKEN, one row", async () => {
    const projectId = await createProject();
    const email = `${uniqueId("race")}@example.com`;
    const { results, maxInFlight } = await raceTimes(20, () =>
      api.POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email, password: PASSWORD } }),
    );
    // All 20 were inside the Worker at once. scrypt runs synchronously inside workerd, so the hashing
    // itself is serialised; the requests interleave at their D1 and Durable Object awaits, where the insert race lives.
    expect(maxInFlight).toBe(results.length);
    const statuses = results.map((r) => r.response.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(results.filter((r) => r.error).every((r) => r.error!.code === "EMAIL_TAKEN")).toBe(true);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE project_id = ? AND email_normalized = ?`).bind(projectId, email).first("n")).toBe(1);
    // The losers left nothing behind: one session, one refresh token.
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE project_id = ?`).bind(projectId).first("n");
    expect(sessions).toBe(1);
  });
});
