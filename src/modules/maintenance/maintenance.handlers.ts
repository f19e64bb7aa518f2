import type { RouteHandler } from "@hono/zod-openapi";
import { RESEAL_BATCH } from "../../config";
import { seal, sealingSecrets, unseal } from "../../crypto/box";
import { base64url, fromBase64url, fromUtf8, utf8 } from "../../crypto/encoding";
import { insertAudit } from "../../db/audit.repo";
import { SEALED_KINDS, type SealedKind, type SealedRow } from "../../db/maintenance.repo";
import { ApiError } from "../../errors";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import type * as routes from "./maintenance.routes";

type Position = { kind: number; after: string };

const encode = (p: Position) => base64url(utf8(JSON.stringify([SEALED_KINDS[p.kind]!.name, p.after])));

function decode(cursor: string | undefined): Position {
  if (!cursor) return { kind: 0, after: "" };
  try {
    const [name, after] = JSON.parse(fromUtf8(fromBase64url(cursor)));
    const kind = SEALED_KINDS.findIndex((k) => k.name === name);
    if (kind >= 0 && typeof after === "string") return { kind, after };
  } catch {
    // fall through
  }
  throw new ApiError("VALIDATION_ERROR", "cursor: not a cursor returned by this API", {
    details: [{ path: "cursor", message: "not a cursor returned by this API" }],
  });
}

export const resealHandler: RouteHandler<typeof routes.reseal, AppEnv> = async (c) => {
  const secrets = sealingSecrets(c.env);
  let position: Position | null = decode(c.req.valid("json").cursor);
  const kinds: Record<string, { resealed: number; current: number; unreadable: number }> = {};
  let budget = RESEAL_BATCH;
  while (position && budget > 0) {
    const kind: SealedKind = SEALED_KINDS[position.kind]!;
    kinds[kind.name] ??= { resealed: 0, current: 0, unreadable: 0 };
    const counts = kinds[kind.name]!;
    const rows: SealedRow[] = await kind.list(c.env.DB, position.after, budget);
    const updates: D1PreparedStatement[] = [];
    for (const row of rows) {
      const opened = await unseal(secrets, row.purpose, row.box);
      if (!opened) counts.unreadable++;
      else if (!opened.stale) counts.current++;
      else updates.push(kind.replace(c.env.DB, row, await seal(secrets.current, row.purpose, opened.plaintext)));
    }
    // A row changed meanwhile (rotated key, new client secret) was sealed under the current secret by its writer.
    if (updates.length) counts.resealed += (await c.env.DB.batch(updates)).filter((r) => r.meta.changes > 0).length;
    // A full page may have more after it; a short one means this kind is done.
    const full = rows.length === budget;
    budget -= rows.length;
    if (full) position = { kind: position.kind, after: rows[rows.length - 1]!.key };
    else position = position.kind + 1 < SEALED_KINDS.length ? { kind: position.kind + 1, after: "" } : null;
  }
  const data = { kinds, nextCursor: position ? encode(position) : null };
  await insertAudit(c.env.DB, adminAction(c, { type: "admin.maintenance.reseal", targetType: "deployment", targetId: null, details: data })).run();
  return c.json({ success: true as const, data }, 200);
};
