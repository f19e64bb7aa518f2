// Projects (tenants). A project row is read on every Auth API request together with its
// active signing key, so issuing a token needs no second query.
export type Environment = "development" | "staging" | "production";

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  environment: Environment;
  enabled: number;
  access_token_ttl: number;
  refresh_token_ttl: number;
  cors_origins: string;
  redirect_urls: string;
  rate_limits: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectWithKey extends ProjectRow {
  key_id: string | null;
  key_box: string | null;
}

export function getProjectWithKey(db: D1Database, projectId: string): Promise<ProjectWithKey | null> {
  return db
    .prepare(
      `SELECT p.*, k.id AS key_id, k.private_jwk_box AS key_box
       FROM projects p LEFT JOIN signing_keys k ON k.project_id = p.id AND k.status = 'active'
       WHERE p.id = ? ORDER BY k.created_at DESC LIMIT 1`,
    )
    .bind(projectId)
    .first<ProjectWithKey>();
}

export interface NewProject {
  id: string;
  name: string;
  description: string;
  environment: Environment;
  createdAt: string;
}

export function insertProject(db: D1Database, p: NewProject): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO projects (id, name, description, environment, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(p.id, p.name, p.description, p.environment, p.createdAt, p.createdAt);
}
