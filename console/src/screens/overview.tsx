// A project at a glance: activity over 30 days (GET .../stats) as an inline SVG chart, and its main settings.
import { api, call } from "../api";
import { ActivityChart, ActivityTable } from "../components/chart";
import { Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import type { ProjectData } from "./project-frame";

export function Overview({ project }: { project: ProjectData }) {
  const projectId = project.id;
  const stats = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/stats", { params: { path: { projectId }, query: { days: 30 } } })), [projectId]);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <h3>Last 30 days</h3>
      <Failure error={stats.error} />
      {stats.loading && !stats.data ? <Loading what="activity" /> : null}
      {stats.data ? <ActivityChart days={stats.data.data.series} /> : null}
      {stats.data ? <ActivityTable days={stats.data.data.series} /> : null}
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
