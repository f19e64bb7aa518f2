// Turns a fuzz case into a Request against the Worker, resolving {{placeholders}} from the
// operation's fixtures, and describes a request/response pair for failure reports.
import { BASE_URL } from "../helpers/client";
import type { Payload } from "./bodies";
import { type FuzzCase, type UrlValue, base64url } from "./cases";
import { preview, serialize } from "./json";
import type { FuzzOperation } from "./spec";

/** Live values a case may refer to: `{{name}}` in headers, `{ valid: true }` for a path param. */
export interface FuzzContext {
  values: Record<string, string>;
  params: Record<string, string>;
}

/** Percent-encodes any string; lone surrogates go out as their (invalid) 3-byte UTF-8 form. */
function percentEncode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = s.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s[i]! + s[i + 1]!);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

const urlText = (v: UrlValue, valid: string) => ("valid" in v ? encodeURIComponent(valid) : "raw" in v ? v.raw : percentEncode(v.encoded));

function forgedToken(c: FuzzCase, ctx: FuzzContext): string {
  const f = c.forged;
  if (!f) return "";
  const [realHeader = "", realPayload = "", realSig = ""] = (ctx.values.userToken ?? "").split(".");
  const decode = (part: string) => {
    try {
      return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const header = { ...f.header, ...(f.realKid ? { kid: decode(realHeader).kid } : {}) };
  const payload = { ...(f.realClaims ? decode(realPayload) : {}), ...f.payload };
  const sig = f.signature === "empty" ? "" : f.signature === "real" ? realSig : base64url("not a signature");
  const json = (value: unknown) => JSON.stringify(value).replaceAll("{{projectId}}", ctx.params.projectId ?? "");
  return `${base64url(json(header))}.${base64url(json(payload))}.${sig}`;
}

function fill(text: string, c: FuzzCase, ctx: FuzzContext): string {
  return text.replace(/\{\{([\w:]+)\}\}/g, (whole, name: string) => {
    if (name === "forged") return forgedToken(c, ctx);
    if (name === "projectId") return ctx.params.projectId ?? whole;
    return ctx.values[name] ?? whole;
  });
}

/** The body as bytes plus the Content-Type a form body brings along. */
async function encodePayload(p: Payload, email: string): Promise<{ bytes: Uint8Array; formType?: string }> {
  const withEmail = (text: string) => text.replaceAll("{{email}}", email);
  switch (p.kind) {
    case "json":
      return { bytes: new TextEncoder().encode(withEmail(serialize(p.value))) };
    case "text":
      return { bytes: new TextEncoder().encode(withEmail(p.text)) };
    case "bytes":
      return { bytes: p.bytes };
    case "form": {
      const fields = Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, withEmail(v)]));
      let body: FormData | URLSearchParams = new URLSearchParams(fields);
      if (p.encoding === "multipart") {
        body = new FormData();
        for (const [k, v] of Object.entries(fields)) body.append(k, v);
      }
      const encoded = new Response(body);
      return { bytes: new Uint8Array(await encoded.arrayBuffer()), formType: encoded.headers.get("Content-Type") ?? undefined };
    }
  }
}

function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.slice(at, at + 16_384));
      controller.close();
    },
  });
}

export async function buildRequest(op: FuzzOperation, c: FuzzCase, ctx: FuzzContext): Promise<Request> {
  const path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = c.path[name] ?? { valid: true };
    return urlText(value, ctx.params[name] ?? String(op.pathParams.find((p) => p.name === name)?.schema.example ?? "x"));
  });
  const query = c.query.map(([k, v]) => `${percentEncode(k)}=${urlText(v, "")}`).join("&");
  const headers = new Headers();
  for (const [name, value] of c.headers) headers.append(name, fill(value, c, ctx));
  const init: RequestInit & { duplex?: "half" } = { method: op.method, headers };
  const payload = c.body.payload;
  if (payload && op.method !== "GET") {
    const email = c.email === "fixture" ? (ctx.values.email ?? "user@example.com") : `fuzz-${c.email}@example.com`;
    const { bytes, formType } = await encodePayload(payload, email);
    if (c.body.chunked) {
      init.body = chunked(bytes);
      init.duplex = "half";
    } else {
      // What the HTTP layer adds in front of SELF; without it the size cap only counts while reading.
      headers.set("Content-Length", String(bytes.length));
      init.body = bytes;
    }
    if (formType) headers.set("Content-Type", formType);
  }
  if (c.body.contentType !== "auto") {
    if (c.body.contentType === null) headers.delete("Content-Type");
    else headers.set("Content-Type", c.body.contentType);
  }
  return new Request(new URL(path + (query ? `?${query}` : ""), BASE_URL), init);
}

/** What was sent, in a form that can be replayed by hand (long parts shortened). */
export function describeRequest(request: Request, c: FuzzCase): string {
  const headers = [...request.headers].map(([k, v]) => `${k}: ${preview(v, 120)}`).join("\n    ");
  const p = c.body.payload;
  const body = !p
    ? "(none)"
    : p.kind === "json"
      ? preview(serialize(p.value), 300)
      : p.kind === "text"
        ? preview(p.text, 300)
        : p.kind === "bytes"
          ? `bytes [${[...p.bytes.slice(0, 64)].join(",")}${p.bytes.length > 64 ? ",…" : ""}] (${p.bytes.length})`
          : `${p.encoding} form ${JSON.stringify(p.fields)}`;
  return `${request.method} ${preview(request.url, 400)}\n    ${headers}\n  body (${p?.label ?? "none"}${c.body.chunked ? ", chunked" : ""}): ${body}`;
}
