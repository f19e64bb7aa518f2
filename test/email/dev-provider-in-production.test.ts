// EMAIL_PROVIDER=dev keeps every message, live link included, in the outbox and delivers nothing.
// In production (served over https from a public host, or a project marked production) that would
// turn the outbox into a store of account takeovers: the send fails instead, loudly.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../generated/client.js";
import { call } from "../helpers/client";
import { PASSWORD, uniqueId } from "../helpers/fixtures";
import { auditRows, emailProject, inbox, type OutboxMessage } from "./mailbox";

const REFUSAL = /EMAIL_PROVIDER=dev/;

/** The Auth API as an app reaches it at `origin`. */
function flowsAt(origin: string, projectId: string) {
  const client = (headers: Record<string, string> = {}) => createClient({ baseUrl: origin, headers, fetch: (request: Request) => call(request) });
  const path = { params: { path: { projectId } } };
  return {
    register: async () => {
      const email = `${uniqueId("u")}@example.com`;
      const { data, response } = await client().POST("/api/auth/{projectId}/register", { ...path, body: { email, password: PASSWORD } });
      expect(response.status).toBe(201);
      return { email, accessToken: data!.data.accessToken };
    },
    sendVerification: (accessToken: string) =>
      client({ Authorization: `Bearer ${accessToken}` }).POST("/api/auth/{projectId}/verify-email/send", { ...path, body: {} }),
    forgot: (email: string) => client().POST("/api/auth/{projectId}/password/forgot", { ...path, body: { email } }),
  };
}

/** The message once the queue consumer (batches wait up to 1 s) has handled it; waits up to 20 s for a loaded machine. */
async function settled(projectId: string, to: string): Promise<OutboxMessage> {
  for (let i = 0; i < 400; i++) {
    const [message] = await inbox(projectId, to);
    if (message && message.status !== "queued") return message;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`message to ${to} still queued`);
}

function expectRefused(message: OutboxMessage) {
  expect(message).toMatchObject({ status: "failed", provider: "dev", subject: null, text: null, html: null });
  expect(message.lastError).toMatch(REFUSAL);
}

let production: string;
let development: string;
beforeAll(async () => {
  expect(env.EMAIL_PROVIDER).toBe("dev");
  production = await emailProject();
  await env.DB.prepare(`UPDATE projects SET environment = 'production' WHERE id = ?`).bind(production).run();
  development = await emailProject();
});

describe("EMAIL_PROVIDER=dev in production", () => {
  for (const [trigger, origin, project] of [
    ["a project marked production", "http://auth.test", () => production],
    ["a request served over https from a public host", "https://auth.example.com", () => development],
  ] as const) {
    describe(trigger, () => {
      it("fails the verification email with 502 UPSTREAM_ERROR and keeps no body in the outbox", async () => {
        const flows = flowsAt(origin, project());
        const user = await flows.register();
        const { response, error } = await flows.sendVerification(user.accessToken);
        expect(response.status).toBe(502);
        expect(error!.code).toBe("UPSTREAM_ERROR");
        const [message] = await inbox(project(), user.email);
        expectRefused(message!);
        const [audit] = (await auditRows(project(), "email.delivery")).filter((row) => row.target_id === message!.id);
        expect(audit!.outcome).toBe("failure");
        expect(String(audit!.details.error)).toMatch(REFUSAL);
      });

      it("still answers forgot-password 200 accepted, the same as for an unknown email", async () => {
        const flows = flowsAt(origin, project());
        const user = await flows.register();
        const known = await flows.forgot(user.email);
        const unknown = await flows.forgot(`${uniqueId("nobody")}@example.com`);
        expect(known.response.status).toBe(200);
        expect(JSON.stringify(known.data)).toBe(JSON.stringify(unknown.data));
        const message = await settled(project(), user.email);
        expectRefused(message);
        // Delivered through the queue: the sealed copy it waited in is gone with the refusal.
        const row = await env.DB.prepare(`SELECT sealed_body, next_attempt_at FROM email_outbox WHERE id = ?`).bind(message.id).first();
        expect(row).toEqual({ sealed_body: null, next_attempt_at: null });
      });
    });
  }

  it("keeps working on plain http from a non-production project (tests) and on loopback (wrangler dev)", async () => {
    for (const origin of ["http://auth.test", "https://127.0.0.1:8787", "http://localhost:8787"]) {
      const flows = flowsAt(origin, development);
      const user = await flows.register();
      expect((await flows.sendVerification(user.accessToken)).response.status).toBe(200);
      const [message] = await inbox(development, user.email);
      expect(message).toMatchObject({ status: "sent", provider: "dev" });
      expect(message!.text).toContain("token=");
    }
  });
});
