import type { ProjectRow } from "../db/projects.repo";

export interface Bindings {
  DB: D1Database;
  ASSETS?: Fetcher;
  /** Base64 of 32 random bytes (or any long random string): encrypts private signing keys at rest. */
  KEY_ENCRYPTION_SECRET?: string;
  /** Optional pepper mixed into every password hash (HMAC) before scrypt. */
  PASSWORD_PEPPER?: string;
  /** Bootstrap owner for an empty admins table. */
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  /** Public origin of this deployment, used as the token issuer prefix; defaults to the request origin. */
  PUBLIC_URL?: string;
}

export interface Variables {
  requestId: string;
  project: ProjectRow;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
