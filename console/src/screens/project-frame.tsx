// One project's screens under a shared heading and sub-navigation (#/projects/<id>/<screen>).
import { api, call } from "../api";
import { Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import { href } from "../router";
import { Keys } from "./keys";
import { OAuthClients } from "./oauth-clients";
import { Outbox } from "./outbox";
import { Overview } from "./overview";
import { ProjectSettings } from "./project-settings";
import { Providers } from "./providers";
import { Templates } from "./templates";
import { UserDetail } from "./user-detail";
import { Users } from "./users";
import { Webhooks } from "./webhooks";

const TABS = [
  ["", "Overview"],
  ["settings", "Settings"],
  ["users", "Users"],
  ["keys", "Signing keys"],
  ["providers", "Social providers"],
  ["oauth-clients", "OAuth clients"],
  ["templates", "Email templates"],
  ["webhooks", "Webhooks"],
  ["outbox", "Outbox"],
] as const;

export type ProjectData = NonNullable<Awaited<ReturnType<typeof loadProject>>["data"]>["data"];
const loadProject = (projectId: string) => call(api().GET("/api/admin/projects/{projectId}", { params: { path: { projectId } } }));

export function ProjectFrame({ projectId, parts }: { projectId: string; parts: string[] }) {
  const project = useLoad(() => loadProject(projectId), [projectId]);
  const [tab = "", sub] = parts;
  const p = project.data?.data;
  return (
    <section aria-labelledby="project-title">
      <h1 id="project-title">{p ? p.name : projectId}</h1>
      <nav class="tabs" aria-label="Project">
        {TABS.map(([path, label]) => (
          <a key={path} href={path ? href("projects", projectId, path) : href("projects", projectId)} aria-current={tab === path ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <Failure error={project.error} />
      {project.loading && !p ? <Loading what="the project" /> : null}
      {p ? body(p, tab, sub, project.reload) : null}
    </section>
  );
}

function body(p: ProjectData, tab: string, sub: string | undefined, reload: () => void) {
  if (tab === "settings") return <ProjectSettings project={p} onSaved={reload} />;
  if (tab === "users" && sub) return <UserDetail projectId={p.id} userId={sub} />;
  if (tab === "users") return <Users projectId={p.id} />;
  if (tab === "keys") return <Keys projectId={p.id} />;
  if (tab === "providers") return <Providers projectId={p.id} />;
  if (tab === "oauth-clients") return <OAuthClients projectId={p.id} />;
  if (tab === "templates") return <Templates projectId={p.id} />;
  if (tab === "webhooks") return <Webhooks projectId={p.id} />;
  if (tab === "outbox") return <Outbox projectId={p.id} />;
  return <Overview project={p} />;
}
