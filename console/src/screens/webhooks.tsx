// A project's webhooks: list, create (the signing secret shown once), enable/disable, delete, and each one's
// deliveries with their status and a retry for the failed ones.
import type { Schemas } from "../../../src/client/types";
import { WEBHOOK_EVENT_TYPES } from "../../../src/webhooks/events";
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading, checkedOf } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

type Webhook = Schemas["Webhook"];
type EventType = Schemas["WebhookEventType"];
const when = (at: string | null) => (at ? new Date(at).toLocaleString() : "—");

export function Webhooks({ projectId }: { projectId: string }) {
  const writer = canWrite(useSignal(session));
  const path = { projectId };
  const list = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/webhooks", { params: { path } })), [projectId]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const hooks = list.data?.data ?? [];
  const update = async (w: Webhook, enabled: boolean) => {
    const r = await call(
      api().PATCH("/api/admin/projects/{projectId}/webhooks/{webhookId}", { params: { path: { projectId, webhookId: w.id } }, body: { enabled } }),
    );
    setError(r.error);
    list.reload();
  };
  const remove = async (w: Webhook) => {
    const r = await call(api().DELETE("/api/admin/projects/{projectId}/webhooks/{webhookId}", { params: { path: { projectId, webhookId: w.id } } }));
    setError(r.error);
    if (open === w.id) setOpen(null);
    list.reload();
  };
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      {writer ? <CreateWebhook projectId={projectId} onCreated={list.reload} /> : null}
      <Failure error={error ?? list.error} />
      {list.loading && !list.data ? <Loading what="webhooks" /> : null}
      {list.data && hooks.length === 0 ? <Empty>No webhooks yet.</Empty> : null}
      {hooks.length ? (
        <table data-testid="webhooks">
          <caption class="sr-only">Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((w) => (
              <tr key={w.id}>
                <td>
                  <code>{w.url}</code>
                  {w.description ? <div class="muted">{w.description}</div> : null}
                </td>
                <td>{w.events.join(", ")}</td>
                <td>{w.enabled ? "enabled" : "disabled"}</td>
                <td>
                  <span class="toolbar">
                    <button type="button" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
                      Deliveries of {w.url}
                    </button>
                    {writer ? (
                      <button type="button" onClick={() => update(w, !w.enabled)}>
                        {w.enabled ? "Disable" : "Enable"} {w.url}
                      </button>
                    ) : null}
                    {writer ? (
                      <ConfirmButton label={`Delete ${w.url}`} question={`Delete the webhook to ${w.url} and its deliveries?`} onConfirm={() => remove(w)} />
                    ) : null}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? <Deliveries projectId={projectId} webhookId={open} writer={writer} /> : null}
    </section>
  );
}

function CreateWebhook({ projectId, onCreated }: { projectId: string; onCreated: () => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(["user.created"]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { url, events, ...(description ? { description } : {}) };
    const r = await call(api().POST("/api/admin/projects/{projectId}/webhooks", { params: { path: { projectId } }, body }));
    setError(r.error);
    if (!r.data) return;
    setSecret(r.data.data.secret);
    setUrl("");
    setDescription("");
    onCreated();
  };
  const toggle = (type: EventType, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((t) => t !== type)));
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-webhook-title">
      <h3 id="create-webhook-title">Add a webhook</h3>
      <Field label="URL" name="webhook-url" type="url" required value={url} onValue={setUrl} error={fieldError(error, "url")} />
      <Field label="Description (optional)" name="webhook-description" value={description} onValue={setDescription} error={fieldError(error, "description")} />
      <fieldset>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" checked={events.includes(type)} onChange={(e: Event) => toggle(type, checkedOf(e))} /> {type}
          </label>
        ))}
        {fieldError(error, "events") ? <small class="field-error">{fieldError(error, "events")}</small> : null}
      </fieldset>
      <Failure error={error} />
      {secret ? (
        <div class="notice" role="status">
          <p>
            <strong>Copy the signing secret now:</strong> it is shown only this once. Verify each delivery's signature with it.
          </p>
          <label for="webhook-secret">Signing secret</label>
          <input id="webhook-secret" readOnly value={secret} data-testid="webhook-secret" onFocus={(e: Event) => (e.target as HTMLInputElement).select()} />
        </div>
      ) : null}
      <button type="submit" class="primary">
        Add webhook
      </button>
    </form>
  );
}

function Deliveries({ projectId, webhookId, writer }: { projectId: string; webhookId: string; writer: boolean }) {
  const pager = usePager();
  const path = { projectId, webhookId };
  const list = useLoad(
    () => call(api().GET("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries", { params: { path, query: { cursor: pager.cursor } } })),
    [projectId, webhookId, pager.cursor],
  );
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState("");
  const rows = list.data?.data ?? [];
  const retry = async (deliveryId: string) => {
    const r = await call(
      api().POST("/api/admin/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", { params: { path: { ...path, deliveryId } } }),
    );
    setError(r.error);
    if (!r.error) setNotice("Queued for another attempt.");
    list.reload();
  };
  return (
    <section class="card" aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">Deliveries</h3>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <Failure error={error ?? list.error} />
      {list.loading && !list.data ? <Loading what="deliveries" /> : null}
      {list.data && rows.length === 0 ? <Empty>No deliveries yet.</Empty> : null}
      {rows.length ? (
        <table data-testid="deliveries">
          <caption class="sr-only">Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Response</th>
              <th scope="col">Last attempt</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.eventType}</code>
                </td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.responseStatus ?? d.lastError ?? "—"}</td>
                <td>{when(d.lastAttemptAt)}</td>
                {writer ? (
                  <td>
                    {d.status === "failed" ? (
                      <button type="button" onClick={() => retry(d.id)}>
                        Retry {d.id}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="Deliveries" />
    </section>
  );
}
