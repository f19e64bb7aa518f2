// The operations to fuzz, read from the committed contract (openapi/openapi.json) at test time, so
// routes added to the spec are fuzzed without touching this file.
import spec from "../../openapi/openapi.json";

export type Json = Record<string, any>;
const doc = spec as Json;

// OPTIONS (CORS preflight) and HEAD are answered by middleware and are not part of the contract.
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export interface ParamSpec {
  name: string;
  required: boolean;
  schema: Json;
}

/** How an operation authenticates: a bearer token, or an API key in a named header. */
export type Credential = { kind: "bearer" } | { kind: "header"; header: string; scheme: string };

export interface FuzzOperation {
  /** e.g. `POST /api/auth/{projectId}/login (login)`: names the test and every failure. */
  key: string;
  method: string;
  template: string;
  operationId: string;
  pathParams: ParamSpec[];
  queryParams: ParamSpec[];
  /** The JSON (or, for the OpenID Provider's endpoints, form-encoded) request body, when the operation declares one. */
  body: { schema: Json; required: boolean; form: boolean } | null;
  credentials: Credential[];
  /** The documented statuses below 400: what a valid request must get. */
  successStatuses: number[];
}

/** Follows local `$ref`s and flattens `allOf`, so callers see plain `type`/`properties`. */
export function resolve(schema: Json | undefined): Json {
  if (!schema) return {};
  if (typeof schema.$ref === "string") {
    const target = schema.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((node: Json, part: string) => node?.[part], doc);
    return resolve({ ...target, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) });
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map(resolve);
    return {
      ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "allOf")),
      type: parts.find((p: Json) => p.type)?.type ?? schema.type,
      properties: Object.assign({}, ...parts.map((p: Json) => p.properties ?? {}), schema.properties ?? {}),
      required: [...new Set(parts.flatMap((p: Json) => p.required ?? []).concat(schema.required ?? []))],
    };
  }
  return schema;
}

/** The JSON types a schema accepts (`["string", "null"]` for a nullable string). */
export function typesOf(schema: Json): string[] {
  const s = resolve(schema);
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === "string") return [s.type];
  if (s.enum) return [...new Set(s.enum.map((v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)))] as string[];
  for (const k of ["anyOf", "oneOf"]) if (Array.isArray(s[k])) return [...new Set(s[k].flatMap(typesOf))] as string[];
  return [];
}

function credentialsOf(operation: Json): Credential[] {
  const requirements: Json[] = operation.security ?? doc.security ?? [];
  const schemes: Json = doc.components?.securitySchemes ?? {};
  return requirements.flatMap((req) =>
    Object.keys(req).flatMap((name): Credential[] => {
      const s = schemes[name];
      if (s?.type === "http" && String(s.scheme).toLowerCase() === "bearer") return [{ kind: "bearer" }];
      if (s?.type === "apiKey" && s.in === "header") return [{ kind: "header", header: s.name, scheme: name }];
      if (s?.type === "http" && String(s.scheme).toLowerCase() === "basic") return [{ kind: "header", header: "Authorization", scheme: name }];
      return [];
    }),
  );
}

function paramsOf(item: Json, operation: Json, where: string): ParamSpec[] {
  const all: Json[] = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolve);
  return all.filter((p) => p.in === where).map((p) => ({ name: p.name, required: Boolean(p.required), schema: resolve(p.schema) }));
}

export const operations: FuzzOperation[] = Object.entries(doc.paths as Json).flatMap(([template, item]: [string, Json]) =>
  METHODS.filter((m) => item[m]).map((m) => {
    const operation: Json = item[m];
    const content: Json = operation.requestBody ? (resolve(operation.requestBody).content ?? {}) : {};
    const jsonType = Object.keys(content).find((t) => /^application\/([a-z.-]+\+)?json/i.test(t));
    const bodyType = jsonType ?? Object.keys(content).find((t) => t === "application/x-www-form-urlencoded");
    return {
      key: `${m.toUpperCase()} ${template} (${operation.operationId ?? "no operationId"})`,
      method: m.toUpperCase(),
      template,
      operationId: operation.operationId ?? `${m} ${template}`,
      pathParams: paramsOf(item, operation, "path"),
      queryParams: paramsOf(item, operation, "query"),
      body: bodyType ? { schema: resolve(content[bodyType].schema), required: Boolean(operation.requestBody.required), form: bodyType !== jsonType } : null,
      credentials: credentialsOf(operation),
      successStatuses: Object.keys(operation.responses ?? {})
        .map(Number)
        .filter((n) => n < 400),
    };
  }),
);

/** A value the schema accepts, from its example where there is one: the base that mutations break. */
export function validValue(schema: Json, depth = 0): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.const !== undefined) return s.const;
  for (const k of ["anyOf", "oneOf"]) if (Array.isArray(s[k])) return validValue(s[k].find((x: Json) => !typesOf(x).includes("null")) ?? s[k][0], depth);
  const type = typesOf(s).find((t) => t !== "null") ?? "null";
  switch (type) {
    case "string": {
      const byFormat: Record<string, string> = {
        email: "fuzz@example.com",
        "date-time": "2026-01-01T00:00:00.000Z",
        date: "2026-01-01",
        uri: "https://example.com/",
        url: "https://example.com/",
        uuid: "00000000-0000-4000-8000-000000000000",
      };
      const text = byFormat[s.format] ?? "fuzz value";
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? Infinity;
      return text.padEnd(min, "x").slice(0, max);
    }
    case "integer":
    case "number":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "boolean":
      return false;
    case "array":
      return depth > 4 || !s.minItems ? [] : Array.from({ length: s.minItems }, () => validValue(s.items ?? {}, depth + 1));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries<Json>(s.properties ?? {})) if (depth <= 4) out[name] = validValue(prop, depth + 1);
      return out;
    }
    default:
      return null;
  }
}
