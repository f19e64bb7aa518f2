// Seeds a project's users straight into the local D1 (10,000 through the API would cost 10,000
// scrypt hashes): multi-row INSERTs sharing one precomputed hash, run while wrangler dev is stopped.
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/wrangler-dev.mjs";
import { executeLocalSql } from "./servers.mjs";

const ROWS_PER_INSERT = 200;

const sql = (value) => (value === null ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
const userId = () => `usr_${randomBytes(16).toString("base64url").replace(/[-_]/g, "x")}`;

/** Seeds `count` users (seed-000000@bench.example, ...), spaced 1 s apart and ending a minute ago, all with `passwordHash`. */
export function seedUsers({ persistTo, projectId, count, passwordHash }) {
  const end = Date.now() - 60_000;
  const statements = [];
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + ROWS_PER_INSERT); i++) {
      const email = `seed-${String(i).padStart(6, "0")}@bench.example`;
      const at = new Date(end - (count - i) * 1000).toISOString();
      rows.push(`(${[userId(), projectId, email, email, `Seed User ${i}`, passwordHash, i % 2, 0, at, at].map(sql).join(", ")})`);
    }
    statements.push(
      `INSERT INTO users (id, project_id, email, email_normalized, display_name, password_hash, email_verified, disabled, created_at, updated_at) VALUES\n${rows.join(",\n")};`,
    );
  }
  const file = join(ROOT, ".wrangler/bench-seed-users.sql");
  writeFileSync(file, `${statements.join("\n")}\n`);
  try {
    executeLocalSql({ persistTo, file });
  } finally {
    rmSync(file, { force: true });
  }
}
