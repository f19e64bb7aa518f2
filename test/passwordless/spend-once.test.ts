// The spend itself, without the HTTP timing: two requests that both read a live attempt (the
// interleaving a race produces) each run their batch; only the first spends it, and the second
// batch's guarded writes (the account change, the audit) do nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeSignInCode, spentSignInCode, upsertSignInCode, type SignInSpend } from "../../src/db/passwordless.repo";
import { markEmailVerified } from "../../src/db/users.repo";
import { iso } from "../../src/lib/clock";
import { registerUser } from "../helpers/fixtures";
import { passwordlessProject } from "./helpers";

describe("consumeSignInCode", () => {
  it("spends an attempt once: a second request that read it live gets nothing and its guarded writes are skipped", async () => {
    const projectId = await passwordlessProject();
    const user = await registerUser(projectId);
    const email = user.email.toLowerCase();
    const at = iso();
    await upsertSignInCode(env.DB, {
      project_id: projectId,
      email,
      salt: "salt-1",
      code_hash: "h",
      link_hash: `link-${projectId}`,
      created_at: at,
      expires_at: iso(Date.now() + 60_000),
    }).run();
    const spend = (usedBy: string): SignInSpend => ({ projectId, email, salt: "salt-1", at, usedBy });
    const batch = (s: SignInSpend) => env.DB.batch([consumeSignInCode(env.DB, s), markEmailVerified(env.DB, projectId, user.user.id, at, spentSignInCode(s))]);
    const [first, second] = [await batch(spend("use_a")), await batch(spend("use_b"))];
    expect(first[0]!.results).toHaveLength(1);
    expect(first[1]!.results).toHaveLength(1);
    expect(second[0]!.results).toHaveLength(0);
    expect(second[1]!.results).toHaveLength(0);
    // A newer start (another salt) is not spent by a request holding the old one.
    await upsertSignInCode(env.DB, {
      project_id: projectId,
      email,
      salt: "salt-2",
      code_hash: "h2",
      link_hash: `link2-${projectId}`,
      created_at: at,
      expires_at: iso(Date.now() + 60_000),
    }).run();
    expect((await batch(spend("use_c")))[0]!.results).toHaveLength(0);
  });
});
