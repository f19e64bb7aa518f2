// Email templates: edit subject/text/html with a live preview of the text (sample values for the placeholders),
// or reset to the built-in default. The HTML part is shown as source: the console renders no message markup.
import type { Schemas } from "../../../src/client/types";
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Empty, Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

type Template = Schemas["EmailTemplate"];

const SAMPLE: Record<string, string> = {
  link: "https://app.example.com/auth/callback?token=…&type=…",
  email: "ada@example.com",
  projectName: "Example",
  displayName: "Ada",
  expiresIn: "24 hours",
};
const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => SAMPLE[name] ?? whole);

export function Templates({ projectId }: { projectId: string }) {
  const list = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/email-templates", { params: { path: { projectId } } })), [projectId]);
  const templates = list.data?.data ?? [];
  return (
    <section aria-labelledby="templates-title">
      <h2 id="templates-title">Email templates</h2>
      <Failure error={list.error} />
      {list.loading && !list.data ? <Loading what="templates" /> : null}
      {list.data && templates.length === 0 ? <Empty>No templates.</Empty> : null}
      {templates.map((t) => (
        <TemplateForm key={`${t.template}-${t.updatedAt}`} projectId={projectId} template={t} onSaved={list.reload} />
      ))}
    </section>
  );
}

function TemplateForm({ projectId, template, onSaved }: { projectId: string; template: Template; onSaved: () => void }) {
  const writer = canWrite(useSignal(session));
  const [subject, setSubject] = useState(template.subject);
  const [text, setText] = useState(template.text);
  const [html, setHtml] = useState(template.html);
  const [error, setError] = useState<ApiFailure | null>(null);
  const path = { projectId, template: template.template };
  const name = template.template;
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(api().PUT("/api/admin/projects/{projectId}/email-templates/{template}", { params: { path }, body: { subject, text, html } }));
    setError(r.error);
    if (!r.error) onSaved();
  };
  const reset = async () => {
    const r = await call(api().DELETE("/api/admin/projects/{projectId}/email-templates/{template}", { params: { path } }));
    setError(r.error);
    if (!r.error) onSaved();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby={`template-${name}`}>
      <h3 id={`template-${name}`}>
        {name} {template.customized ? <span class="badge">customized</span> : <span class="badge">default</span>}
      </h3>
      <fieldset disabled={!writer}>
        <legend>Template</legend>
        <Field label="Subject" name={`${name}-subject`} value={subject} onValue={setSubject} error={fieldError(error, "subject")} />
        <Field label="Text" name={`${name}-text`} multiline value={text} onValue={setText} error={fieldError(error, "text")} />
        <Field label="HTML" name={`${name}-html`} multiline value={html} onValue={setHtml} error={fieldError(error, "html")} />
      </fieldset>
      <h4>Preview (text, with sample values)</h4>
      <pre aria-live="polite">{`Subject: ${fill(subject)}\n\n${fill(text)}`}</pre>
      <Failure error={error} />
      {writer ? (
        <div class="toolbar">
          <button type="submit" class="primary">
            Save {name}
          </button>
          {template.customized ? <ConfirmButton label={`Reset ${name}`} question={`Go back to the built-in ${name} template?`} onConfirm={reset} /> : null}
        </div>
      ) : null}
    </form>
  );
}
