import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { PASSWORD, bearer, registerUser } from "../helpers/fixtures";
import { auditRows, emailFlows, emailProject, latestLink } from "./mailbox";

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
});

async function resetToken(email: string): Promise<string> {
  expect((await flows.forgot(email)).response.status).toBe(200);
  return (await latestLink(projectId, email)).token;
}

describe("reset links outstanding when the password changes", () => {
  it("stop working when the user changes their password: 401 INVALID_TOKEN", async () => {
    const user = await registerUser(projectId);
    const token = await resetToken(user.email);
    const changed = await bearer(user.accessToken).POST("/api/auth/{projectId}/me/password", {
      params: { path: { projectId } },
      body: { currentPassword: PASSWORD, newPassword: "a freshly chosen passphrase" },
    });
    expect(changed.response.status).toBe(200);
    const reset = await flows.reset(token, "an attacker's passphrase");
    expect(reset.response.status).toBe(401);
    expect(reset.error!.code).toBe("INVALID_TOKEN");
    expect((await flows.login(user.email, "a freshly chosen passphrase")).response.status).toBe(200);
    expect((await auditRows(projectId, "auth.password_reset.failed")).at(-1)).toMatchObject({ target_id: user.user.id, details: { reason: "already_used" } });
  });

  it("stop working when an admin sets the user's password: 401 INVALID_TOKEN", async () => {
    const user = await registerUser(projectId);
    const token = await resetToken(user.email);
    const owner = adminClient(await ownerToken());
    const set = await owner.PATCH("/api/admin/projects/{projectId}/users/{userId}", {
      params: { path: { projectId, userId: user.user.id } },
      body: { password: "set by the admin desk" },
    });
    expect(set.response.status).toBe(200);
    const reset = await flows.reset(token, "an attacker's passphrase");
    expect(reset.error!.code).toBe("INVALID_TOKEN");
    expect((await flows.login(user.email, "set by the admin desk")).response.status).toBe(200);
  });

  it("keep working when an admin changes something other than the password", async () => {
    const user = await registerUser(projectId);
    const token = await resetToken(user.email);
    const owner = adminClient(await ownerToken());
    const renamed = await owner.PATCH("/api/admin/projects/{projectId}/users/{userId}", {
      params: { path: { projectId, userId: user.user.id } },
      body: { displayName: "Renamed" },
    });
    expect(renamed.response.status).toBe(200);
    expect((await flows.reset(token, "a reset passphrase here")).response.status).toBe(200);
  });
});
