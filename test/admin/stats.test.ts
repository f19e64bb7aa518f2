import { afterEach, describe, expect, it, vi } from "vitest";
import { adminClient, adminWithRole } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, createProject, registerUser } from "../helpers/fixtures";
import { codeAt, loginChallenge, userWithTotp, verify } from "../mfa/helpers";

const DAY = 86_400_000;
const login = (projectId: string, email: string, password = PASSWORD) =>
  api.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password } });

afterEach(() => {
  vi.useRealTimers();
});

describe("GET /api/admin/projects/{projectId}/stats", () => {
  it("counts sign-ups, sign-ins (ok/failed) and active users per UTC day, zero-filled, this project only", async () => {
    const clock = fakeClock(Date.parse("2031-03-08T10:00:00.000Z"));
    const projectId = await createProject();
    const other = await createProject();
    const ada = await registerUser(projectId);
    clock.tick();
    expect((await login(projectId, ada.email)).response.status).toBe(200);
    clock.tick();
    expect((await login(projectId, ada.email, "wrong password here")).response.status).toBe(401);

    clock.tick(2 * DAY);
    const bob = await registerUser(projectId);
    clock.tick();
    await login(projectId, bob.email);
    clock.tick();
    await login(projectId, bob.email);
    // A sign-in that owes a second factor counts once, when the factor is answered.
    clock.tick();
    const carol = await userWithTotp(projectId);
    clock.tick(31_000);
    const challenge = await loginChallenge(projectId, carol.email);
    expect((await verify(projectId, { mfaToken: challenge.mfaToken, code: codeAt(carol.secret) })).response.status).toBe(200);
    await registerUser(other);

    const viewer = adminClient((await adminWithRole("viewer")).token);
    const { data, response } = await viewer.GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId }, query: { days: 3 } } });
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({
      days: 3,
      from: "2031-03-08T00:00:00.000Z",
      to: "2031-03-11T00:00:00.000Z",
      series: [
        { date: "2031-03-08", signUps: 1, signInsOk: 1, signInsFailed: 1, activeUsers: 1 },
        { date: "2031-03-09", signUps: 0, signInsOk: 0, signInsFailed: 0, activeUsers: 0 },
        { date: "2031-03-10", signUps: 2, signInsOk: 3, signInsFailed: 0, activeUsers: 2 },
      ],
    });

    const month = await viewer.GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId } } });
    expect(month.data!.data.days).toBe(30);
    expect(month.data!.data.series).toHaveLength(30);
    expect(month.data!.data.series.at(-1)!.date).toBe("2031-03-10");
  });

  it("refuses a bad range, an unknown project and a missing session", async () => {
    const projectId = await createProject();
    const viewer = adminClient((await adminWithRole("viewer")).token);
    for (const days of [0, 91]) {
      const r = await viewer.GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId }, query: { days } } });
      expect(r.response.status, `days=${days}`).toBe(400);
      expect(r.error).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    const missing = await viewer.GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId: "no_such_project" } } });
    expect(missing.response.status).toBe(404);
    const anonymous = await api.GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId } } });
    expect(anonymous.response.status).toBe(401);
  });
});
