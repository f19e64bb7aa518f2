// The development mailbox: messages the project sent (EMAIL_PROVIDER=dev keeps their text), with clickable links.
// The HTML part is never rendered: the plain text is enough to read and follow, and it cannot run anything.
import { api, call } from "../api";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import { useState } from "../runtime";

const LINK = /(https?:\/\/[^\s<>"]+)/g;

/** The text with every URL as a link (text nodes only: nothing from the message becomes markup). */
function Linked({ text }: { text: string }) {
  return (
    <pre>
      {text.split(LINK).map((part, i) =>
        i % 2 ? (
          <a key={i} href={part} rel="noreferrer">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}

export function Outbox({ projectId }: { projectId: string }) {
  const pager = usePager();
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(
    () => call(api().GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId }, query: { limit: 25, cursor: pager.cursor } } })),
    [projectId, pager.cursor],
  );
  const messages = list.data?.data ?? [];
  const shown = messages.find((m) => m.id === open);
  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">Outbox</h2>
      <div class="toolbar">
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <Failure error={list.error} />
      {list.loading && !list.data ? <Loading what="messages" /> : null}
      {list.data && messages.length === 0 ? <Empty>No messages sent yet.</Empty> : null}
      {messages.length ? (
        <table>
          <caption class="sr-only">Messages</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Template</th>
              <th scope="col">Status</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>{m.to}</td>
                <td>
                  <button type="button" class="link" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
                    {m.subject ?? "(subject not kept)"}
                  </button>
                </td>
                <td>{m.template}</td>
                <td>{m.status}</td>
                <td>{new Date(m.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {shown ? (
        <article class="card" aria-labelledby="message-title">
          <h3 id="message-title">{shown.subject ?? "Message"}</h3>
          <p class="muted">To {shown.to}</p>
          {shown.text ? <Linked text={shown.text} /> : <p class="muted">The text is kept only with the development provider.</p>}
        </article>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="Messages" />
    </section>
  );
}
