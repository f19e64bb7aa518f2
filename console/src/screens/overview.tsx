// A project at a glance: its Auth API base URL and settings summary (the activity chart joins with the stats route).
import type { ProjectData } from "./project-frame";

export function Overview({ project }: { project: ProjectData }) {
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <dl class="card">
        <dt>Auth API</dt>
        <dd>
          <code>{`${location.origin}/api/auth/${project.id}/`}</code>
        </dd>
        <dt>Environment</dt>
        <dd>{project.environment}</dd>
        <dt>Enabled</dt>
        <dd>{project.enabled ? "yes" : "no"}</dd>
        <dt>Sign-up</dt>
        <dd>{project.allowSignUp ? "open" : "closed"}</dd>
        <dt>Second factor</dt>
        <dd>{project.mfa}</dd>
      </dl>
    </section>
  );
}
