// The passwordless email's template through the Admin API: {{code}} required, {{link}} optional
// (its lines are left out of a code-only email), {{code}} refused in the other templates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inbox } from "../email/mailbox";
import { adminClient, ownerToken } from "../helpers/admin";
import { uniqueId } from "../helpers/fixtures";
import { REDIRECT, latestLink, mailedCode, passwordless, passwordlessProject } from "./helpers";

let projectId: string;
let owner: ReturnType<typeof adminClient>;
beforeAll(async () => {
  projectId = await passwordlessProject();
  owner = adminClient(await ownerToken());
});

const put = (template: "passwordless" | "verify_email", body: { subject: string; text: string; html: string }) =>
  owner.PUT("/api/admin/projects/{projectId}/email-templates/{template}", { params: { path: { projectId, template } }, body });

const CUSTOM = {
  subject: "Sign in to {{projectName}}",
  text: "Code: {{code}}\nLink: {{link}}\nValid {{expiresIn}}.",
  html: '<p>Code <b>{{code}}</b></p>\n<p><a href="{{link}}">sign in</a></p>',
};

describe("the passwordless email template", () => {
  afterAll(async () => {
    await owner.DELETE("/api/admin/projects/{projectId}/email-templates/{template}", { params: { path: { projectId, template: "passwordless" } } });
  });

  it("must contain {{code}} in text and html; the other templates may not", async () => {
    const missing = await put("passwordless", { ...CUSTOM, text: "Link only: {{link}}" });
    expect(missing.response.status).toBe(400);
    expect(missing.error!.details).toContainEqual({ path: "text", message: expect.stringMatching(/must contain the \{\{code\}\} placeholder/) });
    const inSubject = await put("passwordless", { ...CUSTOM, subject: "Your code {{code}}" });
    expect(inSubject.error!.details).toContainEqual({ path: "subject", message: expect.stringMatching(/must not contain \{\{code\}\}/) });
    const elsewhere = await put("verify_email", { ...CUSTOM });
    expect(elsewhere.response.status).toBe(400);
    expect(elsewhere.error!.details).toContainEqual({ path: "text", message: expect.stringMatching(/must not contain \{\{code\}\}/) });
  });

  it("a customised template is used; without a link its {{link}} lines are left out", async () => {
    expect((await put("passwordless", CUSTOM)).response.status).toBe(200);
    const email = `${uniqueId("tpl")}@example.com`;
    await passwordless(projectId).start(email);
    const code = await mailedCode(projectId, email).catch(() => null);
    const [codeOnly] = await inbox(projectId, email);
    expect(codeOnly!.subject).toBe(`Sign in to Project ${projectId}`);
    expect(codeOnly!.text).toMatch(/^Code: \d{6}\nValid 10 minutes\.$/);
    expect(codeOnly!.html).toMatch(/^<p>Code <b>\d{6}<\/b><\/p>$/);
    expect(code).toBeNull(); // the custom text has the code inline, not on a line of its own

    await passwordless(projectId).start(email, REDIRECT);
    const { url, message } = await latestLink(projectId, email);
    expect(message.text).toBe(`Code: ${/Code: (\d{6})/.exec(message.text!)![1]}\nLink: ${url.toString()}\nValid 10 minutes.`);
  });
});
