// A per-isolate cache of project rows (with the active key) and of the JWK Set, for the routes that
// may lag a change by a few seconds: the well-known documents, and refresh, whose batch re-reads the
// project anyway. A change made through this isolate clears its entry at once; other isolates see it
// within PROJECT_CACHE_TTL_MS.
import { PROJECT_CACHE_TTL_MS } from "../config";
import type { PublicJwk } from "../crypto/keys";
import { getProjectWithKey, type ProjectWithKey } from "../db/projects.repo";
import { listVerificationKeys, type VerificationKeys } from "../db/keys.repo";
import { iso, now } from "./clock";

// Bounds memory when many projects are served; a full cache simply starts over.
const MAX_ENTRIES = 1_000;

interface Entry {
  project: ProjectWithKey;
  storedAt: number;
  jwks?: Promise<VerificationKeys>;
}

const entries = new Map<string, Entry>();

/** Remembers a project just read from D1 (by any route), so the cached routes start warm. */
export function rememberProject(project: ProjectWithKey): void {
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(project.id, { project, storedAt: now() });
}

/** Drops a project after a change made here (update, delete, key rotation): this isolate sees it at once. */
export function forgetProject(projectId: string): void {
  entries.delete(projectId);
}

function fresh(projectId: string): Entry | undefined {
  const entry = entries.get(projectId);
  const age = entry ? now() - entry.storedAt : -1;
  if (entry && age >= 0 && age < PROJECT_CACHE_TTL_MS) return entry; // a clock that went back is not trusted

  entries.delete(projectId);
  return undefined;
}

/** The project, from this isolate's cache while fresh; unknown projects are never cached. */
export async function cachedProject(db: D1Database, projectId: string): Promise<ProjectWithKey | null> {
  const hit = fresh(projectId);
  if (hit) return hit.project;
  const project = await getProjectWithKey(db, projectId);
  if (project) rememberProject(project);
  return project;
}

/** The project's verification keys, cached with the project entry, never past a listed key's verify_until. */
export async function cachedVerificationKeys(db: D1Database, projectId: string): Promise<PublicJwk[]> {
  const entry = fresh(projectId);
  if (!entry) return (await listVerificationKeys(db, projectId, iso())).keys;
  let set = entry.jwks && (await entry.jwks);
  if (!set || now() >= set.changesAt) {
    entry.jwks = listVerificationKeys(db, projectId, iso());
    entry.jwks.catch(() => (entry.jwks = undefined)); // a failed read is not cached
    set = await entry.jwks;
  }
  return set.keys;
}
