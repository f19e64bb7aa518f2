// Where the console opens: every project, a search, and (for admins) a create form with the slug it will get.
import { api, type ApiFailure, call, fieldError } from "../api";
import { Field } from "../components/field";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading, inputValue } from "../components/status";
import { useLoad } from "../load";
import { go, href } from "../router";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";
import { slugOf } from "../slug";

const ENVIRONMENTS = ["development", "staging", "production"] as const;
type Environment = (typeof ENVIRONMENTS)[number];

export function Projects() {
  const writer = canWrite(useSignal(session));
  const [search, setSearch] = useState("");
  const pager = usePager();
  const list = useLoad(
    () => call(api().GET("/api/admin/projects", { params: { query: { limit: 25, search: search || undefined, cursor: pager.cursor } } })),
    [search, pager.cursor],
  );
  const items = list.data?.data ?? [];
  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      {writer ? <CreateProject /> : null}
      <div class="field inline">
        <label for="project-search">Search projects</label>
        <input
          id="project-search"
          type="search"
          value={search}
          onInput={(e: Event) => {
            setSearch(inputValue(e));
            pager.reset();
          }}
        />
      </div>
      <Failure error={list.error} />
      {list.loading && !list.data ? <Loading what="projects" /> : null}
      {list.data && items.length === 0 ? <Empty>No projects{search ? ` match “${search}”` : " yet"}.</Empty> : null}
      {items.length ? (
        <table>
          <caption class="sr-only">Projects</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Environment</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={href("projects", p.id)}>{p.name}</a>
                </td>
                <td>
                  <code>{p.id}</code>
                </td>
                <td>{p.environment}</td>
                <td>{p.enabled ? "yes" : "no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="Projects" />
    </section>
  );
}

function CreateProject() {
  const [name, setName] = useState("");
  const [id, setId] = useState("");
  const [environment, setEnvironment] = useState<Environment>("development");
  const [error, setError] = useState<ApiFailure | null>(null);
  const slug = id || slugOf(name);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(api().POST("/api/admin/projects", { body: { name, environment, ...(id ? { id } : {}) } }));
    if (r.error) return setError(r.error);
    go("projects", r.data.data.id, "settings");
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-project-title">
      <h2 id="create-project-title">Create a project</h2>
      <Field label="Name" name="name" required value={name} onValue={setName} error={fieldError(error, "name")} />
      <Field label="Id (optional)" name="id" value={id} onValue={setId} error={fieldError(error, "id")} hint={`Auth API URLs use /api/auth/${slug || "…"}/`} />
      <div class="field">
        <label for="field-environment">Environment</label>
        <select id="field-environment" value={environment} onChange={(e: Event) => setEnvironment(inputValue(e) as Environment)}>
          {ENVIRONMENTS.map((env) => (
            <option key={env} value={env} selected={env === environment}>
              {env}
            </option>
          ))}
        </select>
      </div>
      <p class="muted" aria-live="polite">
        Slug: <code data-testid="slug-preview">{slug || "—"}</code>
      </p>
      <Failure error={error} />
      <button type="submit" class="primary">
        Create project
      </button>
    </form>
  );
}
