// A display name is chosen by whoever registers, and an address can be registered by anyone:
// what reaches an inbox from our sender must carry no link or extra line of theirs.
import { beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../helpers/client";
import { PASSWORD, uniqueId } from "../helpers/fixtures";
import { emailFlows, emailProject, inbox, latestLink, type OutboxMessage } from "./mailbox";

const HOSTILE = "Account locked, visit https://evil.example/x\r\nCall now";

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
});

async function register(displayName: string) {
  const email = `${uniqueId("u")}@example.com`;
  const { data, response } = await apiClient().POST("/api/auth/{projectId}/register", {
    params: { path: { projectId } },
    body: { email, password: PASSWORD, displayName },
  });
  expect(response.status).toBe(201);
  return { email, accessToken: data!.data.accessToken };
}

function expectNoInjection(message: OutboxMessage) {
  for (const part of [message.subject, message.text, message.html]) {
    expect(part).toBeTruthy();
    expect(part).not.toContain("https://evil");
    expect(part).not.toContain("evil.example");
    expect(part).not.toMatch(/^Call now/m);
    expect(part).not.toContain("\r");
  }
}

describe("display names in emails", () => {
  it("greets an unverified address by the address itself, so a stranger's text never reaches it", async () => {
    const user = await register(HOSTILE);
    expect((await flows.sendVerification(user.accessToken)).response.status).toBe(200);
    const [message] = await inbox(projectId, user.email);
    expectNoInjection(message!);
    expect(message!.text).toContain(`Hi ${user.email},`);
    expect(message!.text).not.toContain("Account locked");
  });

  it("strips links and line breaks from a verified user's name in the reset email", async () => {
    const user = await register(HOSTILE);
    await flows.sendVerification(user.accessToken);
    expect((await flows.confirm((await latestLink(projectId, user.email)).token)).response.status).toBe(200);
    expect((await flows.forgot(user.email)).response.status).toBe(200);
    const [message] = await inbox(projectId, user.email);
    expect(message!.template).toBe("reset_password");
    expectNoInjection(message!);
    expect(message!.text).toContain("Hi Account locked, visit Call now,");
  });
});
