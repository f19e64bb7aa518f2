// Passwordless throttling: starts per address and IP (email.account / email.ip), verify attempts
// per address and IP (email_code.account / email_code.ip). 429 with Retry-After; time moves by
// the fake clock.
import { describe, expect, it } from "vitest";
import { setRedirectUrls, REDIRECT } from "../email/mailbox";
import { freshProjectPerTest } from "../helpers/rate-limit-project";
import { uniqueId } from "../helpers/fixtures";
import { otherCode, passwordless, setPasswordless, startAndRead } from "./helpers";

const project = freshProjectPerTest();
const newEmail = () => `${uniqueId("lim")}@example.com`;
const window = (limit: number) => ({ kind: "window" as const, limit, windowSeconds: 300 });

async function ready() {
  await setPasswordless(project.id());
  await setRedirectUrls(project.id(), [REDIRECT]);
  return passwordless(project.id(), { "CF-Connecting-IP": "198.51.100.40" });
}

describe("passwordless rate limits", () => {
  it("starts: the sixth for one address within the hour is 429 with Retry-After (email.account)", async () => {
    const client = await ready();
    const email = newEmail();
    for (let i = 0; i < 5; i++) expect((await client.start(email)).response.status).toBe(200);
    const blocked = await client.start(email);
    expect(blocked.response.status).toBe(429);
    expect(blocked.error).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(blocked.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    project.advance(3600);
    expect((await client.start(email)).response.status).toBe(200);
  });

  it("starts: per IP whatever the address (email.ip)", async () => {
    const client = await ready();
    await project.setLimits({ "email.ip": { kind: "window", limit: 2, windowSeconds: 3600 } });
    expect((await client.start(newEmail())).response.status).toBe(200);
    expect((await client.start(newEmail())).response.status).toBe(200);
    const blocked = await client.start(newEmail());
    expect(blocked.response.status).toBe(429);
    expect(blocked.response.headers.get("Retry-After")).toBeTruthy();
  });

  it("verify attempts per address (email_code.account), counted before the code is compared", async () => {
    const client = await ready();
    await project.setLimits({ "email_code.account": window(3) });
    const email = newEmail();
    const code = await startAndRead(project.id(), email);
    for (let i = 0; i < 3; i++) expect((await client.verifyCode(email, otherCode(code))).response.status).toBe(401);
    const blocked = await client.verifyCode(email, code);
    expect(blocked.response.status).toBe(429);
    expect(Number(blocked.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    project.advance(300); // the window passed, the code (10 minutes) still lives
    expect((await client.verifyCode(email, code)).response.status).toBe(200);
  });

  it("verify attempts per IP (email_code.ip), codes and links alike", async () => {
    const client = await ready();
    await project.setLimits({ "email_code.ip": window(2) });
    expect((await client.verifyCode(newEmail(), "000000")).response.status).toBe(401);
    expect((await client.verifyLink("pl_unknown")).response.status).toBe(401);
    const blocked = await client.verifyCode(newEmail(), "000000");
    expect(blocked.response.status).toBe(429);
    expect(blocked.response.headers.get("Retry-After")).toBeTruthy();
  });
});
