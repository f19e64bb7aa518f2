// The counter guard of a passkey sign-in, at the SQL level: a sign-in that read the counter
// before another one moved it must not start a session (its whole batch rolls back).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { failIfUnchanged, insertPasskey, usePasskey } from "../../src/db/passkeys.repo";
import { createProject, registerUser } from "../helpers/fixtures";

async function storedPasskey() {
  const projectId = await createProject();
  const { user } = await registerUser(projectId);
  const id = `pk_${crypto.randomUUID()}`;
  const at = new Date().toISOString();
  await env.DB.batch([
    insertPasskey(env.DB, {
      id,
      projectId,
      userId: user.id,
      credentialId: id,
      publicKey: "AA",
      counter: 3,
      transports: [],
      deviceType: "singleDevice",
      backedUp: false,
      aaguid: null,
      name: "Key",
      createdAt: at,
    }),
  ]);
  const marker = env.DB.prepare(`UPDATE passkeys SET name = 'written' WHERE id = ?`).bind(id);
  const name = async () => (await env.DB.prepare(`SELECT name, counter FROM passkeys WHERE id = ?`).bind(id).first<{ name: string; counter: number }>())!;
  return { projectId, id, at, marker, name };
}

describe("usePasskey + failIfUnchanged", () => {
  it("commits the batch when the counter read before verifying is still the stored one and moves forward", async () => {
    const { projectId, id, at, marker, name } = await storedPasskey();
    await env.DB.batch([usePasskey(env.DB, { projectId, id, counter: 4, backedUp: false, at, seenCounter: 3 }), failIfUnchanged(env.DB), marker]);
    expect(await name()).toEqual({ name: "written", counter: 4 });
  });

  it("rolls back the whole batch when another sign-in moved the counter meanwhile, or it does not move forward", async () => {
    const { projectId, id, at, marker, name } = await storedPasskey();
    for (const [counter, seenCounter] of [
      [4, 2],
      [3, 3],
      [2, 3],
    ] as const) {
      await expect(
        env.DB.batch([usePasskey(env.DB, { projectId, id, counter, backedUp: false, at, seenCounter }), failIfUnchanged(env.DB), marker]),
      ).rejects.toThrow();
      expect(await name()).toEqual({ name: "Key", counter: 3 });
    }
  });

  it("lets an authenticator without a counter (always 0) sign in again", async () => {
    const { projectId, id, at, marker, name } = await storedPasskey();
    await env.DB.prepare(`UPDATE passkeys SET counter = 0 WHERE id = ?`).bind(id).run();
    await env.DB.batch([usePasskey(env.DB, { projectId, id, counter: 0, backedUp: true, at, seenCounter: 0 }), failIfUnchanged(env.DB), marker]);
    expect(await name()).toEqual({ name: "written", counter: 0 });
  });
});
