import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_TEMPLATES } from "../../src/email/templates";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { registerUser } from "../helpers/fixtures";
import { auditRows, emailFlows, emailProject, latestLink } from "./mailbox";

let projectId: string;
let owner: ReturnType<typeof adminClient>;
beforeAll(async () => {
  projectId = await emailProject();
  owner = adminClient(await ownerToken());
});
afterEach(() => {
  vi.useRealTimers();
});

const templatePath = (template: "verify_email" | "reset_password", project = projectId) => ({ params: { path: { projectId: project, template } } });
const listTemplates = (client = owner, project = projectId) =>
  client.GET("/api/admin/projects/{projectId}/email-templates", { params: { path: { projectId: project } } });
const putTemplate = (body: { subject: string; text: string; html: string }, template: "verify_email" | "reset_password" = "reset_password", client = owner) =>
  client.PUT("/api/admin/projects/{projectId}/email-templates/{template}", { ...templatePath(template), body });

const CUSTOM = {
  subject: "{{projectName}}: new password for {{displayName}}",
  text: "Hello {{displayName}} <{{email}}>, go to {{link}} within {{expiresIn}}.",
  html: '<p>Hello {{displayName}}, <a href="{{link}}">reset</a> within {{ expiresIn }}.</p>',
};

describe("GET /api/admin/projects/:projectId/email-templates", () => {
  it("lists the defaults of every template, not customised", async () => {
    const project = await emailProject();
    const { data, response } = await listTemplates(owner, project);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual([
      { template: "verify_email", ...DEFAULT_TEMPLATES.verify_email, customized: false, updatedAt: null },
      { template: "reset_password", ...DEFAULT_TEMPLATES.reset_password, customized: false, updatedAt: null },
      { template: "passwordless", ...DEFAULT_TEMPLATES.passwordless, customized: false, updatedAt: null },
    ]);
  });

  it("answers 404 for an unknown project", async () => {
    expect((await listTemplates(owner, "no_such_project")).response.status).toBe(404);
  });
});

describe("PUT and DELETE /api/admin/projects/:projectId/email-templates/:template", () => {
  it("customises a template: the next email uses it, with values filled in and HTML-escaped; DELETE restores the default", async () => {
    const saved = await putTemplate(CUSTOM);
    expect(saved.response.status).toBe(200);
    expect(saved.data!.data).toMatchObject({ template: "reset_password", ...CUSTOM, customized: true });
    const listed = await listTemplates();
    expect(listed.data!.data.map((t) => [t.template, t.customized])).toEqual([
      ["verify_email", false],
      ["reset_password", true],
      ["passwordless", false],
    ]);

    const user = await registerUser(projectId);
    // {{displayName}} shows the name only for a verified address (src/email/display-name.ts).
    await env.DB.prepare(`UPDATE users SET email_verified = 1 WHERE id = ?`).bind(user.user.id).run();
    await emailFlows(projectId).forgot(user.email);
    const { message, url } = await latestLink(projectId, user.email);
    expect(message.subject).toBe(`Project ${projectId}: new password for Test User`);
    expect(message.text).toBe(`Hello Test User <${user.email}>, go to ${url.toString()} within 1 hour.`);
    expect(message.html).toBe(`<p>Hello Test User, <a href="${url.toString().replace(/&/g, "&amp;")}">reset</a> within 1 hour.</p>`);
    expect((await auditRows(projectId, "admin.email_template.update")).at(-1)).toMatchObject({ actor_type: "admin", target_id: "reset_password" });

    const reset = await owner.DELETE("/api/admin/projects/{projectId}/email-templates/{template}", templatePath("reset_password"));
    expect(reset.response.status).toBe(200);
    expect(reset.data!.data).toEqual({ template: "reset_password", ...DEFAULT_TEMPLATES.reset_password, customized: false, updatedAt: null });
    await emailFlows(projectId).forgot(user.email);
    expect((await latestLink(projectId, user.email)).message.subject).toBe(`Reset your Project ${projectId} password`);
    const again = await owner.DELETE("/api/admin/projects/{projectId}/email-templates/{template}", templatePath("reset_password"));
    expect(again.response.status).toBe(200);
  });

  it("keeps templates per project", async () => {
    const other = await emailProject();
    await putTemplate({ ...CUSTOM, subject: "Only in the first project" }, "verify_email");
    expect((await listTemplates(owner, other)).data!.data[0]).toMatchObject({ customized: false });
    await owner.DELETE("/api/admin/projects/{projectId}/email-templates/{template}", templatePath("verify_email"));
  });

  it.each([
    ["text", { ...CUSTOM, text: "No link here" }, /must contain the \{\{link\}\} placeholder/],
    ["html", { ...CUSTOM, html: "<p>No link</p>" }, /must contain the \{\{link\}\} placeholder/],
    ["subject", { ...CUSTOM, subject: "Click {{link}}" }, /must not contain \{\{link\}\}/],
    ["text", { ...CUSTOM, text: "{{link}} for {{firstName}}" }, /unknown placeholder \{\{firstName\}\}/],
    ["subject", { ...CUSTOM, subject: "two\nlines" }, /single line/],
  ])("refuses a template whose %s is invalid with 400 naming it", async (field, body, message) => {
    const { error, response } = await putTemplate(body);
    expect(response.status).toBe(400);
    expect(error!.code).toBe("VALIDATION_ERROR");
    expect(error!.details).toContainEqual({ path: field, message: expect.stringMatching(message) });
  });

  it("answers 400 for an unknown template and 404 for an unknown project", async () => {
    const unknown = await owner.PUT("/api/admin/projects/{projectId}/email-templates/{template}", {
      params: { path: { projectId, template: "welcome" as "verify_email" } },
      body: CUSTOM,
    });
    expect(unknown.response.status).toBe(400);
    const noProject = await owner.PUT("/api/admin/projects/{projectId}/email-templates/{template}", {
      params: { path: { projectId: "no_such_project", template: "verify_email" } },
      body: CUSTOM,
    });
    expect(noProject.response.status).toBe(404);
  });

  it("lets a viewer read templates but not change them", async () => {
    const viewer = adminClient((await adminWithRole("viewer")).token);
    expect((await listTemplates(viewer)).response.status).toBe(200);
    expect((await putTemplate(CUSTOM, "verify_email", viewer)).response.status).toBe(403);
  });
});

describe("GET /api/admin/projects/:projectId/outbox", () => {
  it("lists newest first with cursor pagination and filters", async () => {
    const project = await emailProject();
    const users = [await registerUser(project), await registerUser(project)];
    // One second apart, so "newest first" does not hinge on millisecond ties.
    let clock = Date.now();
    vi.useFakeTimers({ now: clock, toFake: ["Date"] });
    await emailFlows(project).sendVerification(users[0]!.accessToken);
    clock += 1000;
    vi.setSystemTime(clock);
    await emailFlows(project).forgot(users[0]!.email);
    clock += 1000;
    vi.setSystemTime(clock);
    await emailFlows(project).forgot(users[1]!.email);
    const outbox = (query: Record<string, string | number>) =>
      owner.GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId: project }, query } });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data, response } = await outbox({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      seen.push(...data!.data.map((m) => `${m.to}:${m.template}`));
      cursor = data!.meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([`${users[1]!.email}:reset_password`, `${users[0]!.email}:reset_password`, `${users[0]!.email}:verify_email`]);

    expect((await outbox({ to: users[0]!.email.toUpperCase() })).data!.data).toHaveLength(2);
    expect((await outbox({ template: "verify_email" })).data!.data.map((m) => m.to)).toEqual([users[0]!.email]);
    expect((await outbox({ status: "failed" })).data!.data).toEqual([]);
    expect((await outbox({ cursor: "not-a-cursor" })).response.status).toBe(400);
  });

  it("needs the admin role (dev messages hold live links) and answers 404 for an unknown project", async () => {
    const viewer = adminClient((await adminWithRole("viewer")).token);
    const forViewer = await viewer.GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId } } });
    expect(forViewer.response.status).toBe(403);
    expect((await owner.GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId: "no_such_project" } } })).response.status).toBe(404);
  });
});
