// The audit log across projects: filters, keyset pages, and an optional refresh every 10 seconds on page 1.
import { api, call } from "../api";
import { EventTable } from "../components/events";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading, checkedOf, inputValue } from "../components/status";
import { useLoad } from "../load";
import { useEffect, useState } from "../runtime";

const REFRESH_MS = 10_000;
const OUTCOMES = ["", "success", "failure", "blocked"] as const;

export function AuditLog() {
  const [filters, setFilters] = useState({ projectId: "", type: "", actor: "", outcome: "" as (typeof OUTCOMES)[number] });
  const [live, setLive] = useState(false);
  const pager = usePager();
  const list = useLoad(
    () =>
      call(
        api().GET("/api/admin/logs", {
          params: {
            query: {
              limit: 50,
              cursor: pager.cursor,
              projectId: filters.projectId || undefined,
              type: filters.type || undefined,
              actor: filters.actor || undefined,
              outcome: filters.outcome || undefined,
            },
          },
        }),
      ),
    [filters, pager.cursor],
  );
  useEffect(() => {
    if (!live || pager.page > 1) return;
    const timer = setInterval(list.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, pager.page]);
  const set = (key: keyof typeof filters) => (e: Event) => {
    setFilters((f) => ({ ...f, [key]: inputValue(e) }));
    pager.reset();
  };
  const events = list.data?.data ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="toolbar" aria-label="Filters" onSubmit={(e: Event) => e.preventDefault()}>
        <div class="field">
          <label for="audit-project">Project id</label>
          <input id="audit-project" value={filters.projectId} onChange={set("projectId")} />
        </div>
        <div class="field">
          <label for="audit-type">Event type (e.g. auth.*)</label>
          <input id="audit-type" value={filters.type} onChange={set("type")} />
        </div>
        <div class="field">
          <label for="audit-actor">Actor id</label>
          <input id="audit-actor" value={filters.actor} onChange={set("actor")} />
        </div>
        <div class="field">
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" onChange={set("outcome")}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o} selected={o === filters.outcome}>
                {o || "any"}
              </option>
            ))}
          </select>
        </div>
        <div class="field check">
          <input id="audit-live" type="checkbox" checked={live} onChange={(e: Event) => setLive(checkedOf(e))} />
          <label for="audit-live">Refresh every 10 s</label>
        </div>
      </form>
      <Failure error={list.error} />
      {list.loading && !list.data ? <Loading what="events" /> : null}
      {list.data && events.length === 0 ? <Empty>No events match.</Empty> : null}
      {events.length ? <EventTable events={events} caption={`Audit events, page ${pager.page}`} /> : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="Audit log" />
    </section>
  );
}
