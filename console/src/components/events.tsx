// A table of audit events (the audit log screen and a user's trail).
import type { Schemas } from "../../../src/client/types";

export function EventTable({ events, caption }: { events: Schemas["AuditEvent"][]; caption: string }) {
  return (
    <table>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Outcome</th>
          <th scope="col">Actor</th>
          <th scope="col">Target</th>
          <th scope="col">Request id</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{new Date(e.createdAt).toLocaleString()}</td>
            <td>
              <code>{e.type}</code>
            </td>
            <td>{e.outcome}</td>
            <td>
              {e.actorType}
              {e.actorId ? ` ${e.actorId}` : ""}
            </td>
            <td>{e.targetId ?? ""}</td>
            <td>
              <code>{e.requestId ?? ""}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
