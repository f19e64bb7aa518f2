// Passkeys (WebAuthn credentials) and their ceremony challenges (migration 0007).

export interface PasskeyRow {
  id: string;
  project_id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: "singleDevice" | "multiDevice";
  backed_up: number;
  aaguid: string | null;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** How many passkeys the user has (a passkey is a second factor). */
export async function countUserPasskeys(db: D1Database, projectId: string, userId: string): Promise<number> {
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM passkeys WHERE project_id = ? AND user_id = ?`).bind(projectId, userId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Removes every passkey of the user (an admin's factor reset). */
export function deleteUserPasskeys(db: D1Database, projectId: string, userId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM passkeys WHERE project_id = ? AND user_id = ?`).bind(projectId, userId);
}

/** The user's passkeys, oldest first (an admin's view of the user's factors). */
export async function listUserPasskeys(db: D1Database, projectId: string, userId: string): Promise<PasskeyRow[]> {
  const { results } = await db
    .prepare(`SELECT * FROM passkeys WHERE project_id = ? AND user_id = ? ORDER BY created_at, id`)
    .bind(projectId, userId)
    .all<PasskeyRow>();
  return results;
}
