// The session client's connected-app methods against the real Worker (every answer contract-checked).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAuthClient } from "../../src/client";
import { upsertConsent } from "../../src/db/oidc.repo";
import { iso } from "../../src/lib/clock";
import { BASE_URL, call } from "../helpers/client";
import { PASSWORD, createProject, uniqueId } from "../helpers/fixtures";
import { createOAuthClient } from "../oidc/support";

describe("AuthClient connected apps", () => {
  it("lists the apps the user consented to and revokes one (NOT_FOUND the second time)", async () => {
    const projectId = await createProject();
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId, fetch: call });
    const up = await auth.signUp({ email: `${uniqueId("kit")}@example.com`, password: PASSWORD });
    expect(up.error).toBeNull();
    expect((await auth.listConnectedApps()).data).toEqual([]);

    const { clientId } = await createOAuthClient(projectId, { firstParty: false });
    await upsertConsent(env.DB, projectId, clientId, up.data!.user.id, "openid email", iso()).run();
    const listed = await auth.listConnectedApps();
    expect(listed.error).toBeNull();
    expect(listed.data).toEqual([{ clientId, clientName: "Example App", scope: ["openid", "email"], grantedAt: expect.any(String) }]);

    const revoked = await auth.revokeConnectedApp(clientId);
    expect(revoked).toEqual({ data: { revoked: true, endedSessions: 0 }, error: null });
    expect((await auth.listConnectedApps()).data).toEqual([]);
    const again = await auth.revokeConnectedApp(clientId);
    expect(again.data).toBeNull();
    expect(again.error).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("answers UNAUTHORIZED while signed out", async () => {
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId: await createProject(), fetch: call });
    expect((await auth.listConnectedApps()).error).toMatchObject({ status: 401 });
  });
});
