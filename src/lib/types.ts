import type { AccessClaims } from "../crypto/jwt";
import type { AdminRow } from "../db/admins.repo";
import type { ProjectRow, ProjectWithKey } from "../db/projects.repo";
import type { SessionUser } from "../db/sessions.repo";
import type { RateLimiter } from "../durable-objects/rate-limiter";
import type { ApiError } from "../errors";
import type { JobMessage } from "../queue";

export interface Bindings {
  DB: D1Database;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  ASSETS?: Fetcher;
  /** 32+ random characters: encrypts private signing keys (and other secrets) at rest. */
  KEY_ENCRYPTION_SECRET?: string;
  /** During a rotation only: the secret KEY_ENCRYPTION_SECRET replaced; sealed values still open with it until re-sealed. */
  KEY_ENCRYPTION_SECRET_PREVIOUS?: string;
  /** Optional pepper mixed into every password hash (HMAC) before scrypt. */
  PASSWORD_PEPPER?: string;
  /** During a rotation only: the pepper PASSWORD_PEPPER replaced; its hashes still verify and are upgraded at the next login. */
  PASSWORD_PEPPER_PREVIOUS?: string;
  /** Bootstrap owner for an empty admins table. */
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  /** Public origin of this deployment, used as the token issuer prefix; defaults to the request origin. */
  PUBLIC_URL?: string;
  /** Email delivery: "dev" (default: nothing leaves, the outbox keeps each message; refused in production) or "resend". */
  EMAIL_PROVIDER?: string;
  /** Sender of every email, e.g. `Acme <no-reply@acme.com>`; required by real providers. */
  EMAIL_FROM?: string;
  /** Secret: Resend API key, for EMAIL_PROVIDER=resend. */
  RESEND_API_KEY?: string;
  /**
   * Queue of webhook deliveries and emails (wrangler.toml [[queues]], src/queue.ts): this Worker produces
   * and consumes it. Without it, webhooks wait in their table and emails are delivered from the request.
   */
  WEBHOOKS?: Queue<JobMessage>;
}

export interface UserAuth {
  claims: AccessClaims;
  user: SessionUser;
}

export interface Variables {
  requestId: string;
  project: ProjectWithKey;
  auth: UserAuth;
  /** Set by resolveProject on user routes: the token's claims and user (null: no live session), or why it was refused. */
  bearer: { claims: AccessClaims; user: SessionUser | null } | { error: ApiError };
  admin: AdminRow & { sessionId: string; totp: boolean };
  /** Set on Admin API routes under /projects/{projectId}: the project, known to exist. */
  adminProject: ProjectRow;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
