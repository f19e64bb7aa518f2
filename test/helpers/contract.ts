// Validates any response a test receives against the committed contract (openapi/openapi.json):
// the status must be documented for the operation, and the body must match its schema. Strictly:
// an object may hold only the properties its schema documents, so an undocumented field (a secret,
// a hash, a column leaking out of a row) fails the test even though the published spec, read by
// clients that must tolerate additions, leaves objects open.
import { Validator } from "@cfworker/json-schema";
import spec from "../../openapi/openapi.json";

type Json = Record<string, any>;

/** A copy of `schema` in which every object schema that does not say otherwise allows no other properties. */
export function closed<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(closed) as T;
  if (!schema || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema as Json).map(([k, v]) => [k, k === "example" || k === "examples" ? v : closed(v)]));
  if (copy.type === "object" && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy as T;
}

const doc = closed(spec as Json);
const METHODS = ["get", "post", "put", "patch", "delete"];

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
}

const operations: Operation[] = Object.entries(doc.paths as Json).flatMap(([template, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({
    method,
    template,
    // Literal segments win over parameters, so /users/me is not taken for /users/{id}.
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    responses: item[method].responses,
  })),
);
const byLiteralness = (op: Operation) => -op.template.replace(/\{[^}]+\}/g, "").length;
operations.sort((a, b) => byLiteralness(a) - byLiteralness(b));

export function findOperation(method: string, pathname: string): Operation | undefined {
  return operations.find((op) => op.method === method.toLowerCase() && op.pattern.test(pathname));
}

const validators = new Map<string, Validator>();
function validatorFor(key: string, schema: Json): Validator {
  let v = validators.get(key);
  if (!v) {
    v = new Validator({ components: doc.components, allOf: [schema] } as any, "2020-12", false);
    validators.set(key, v);
  }
  return v;
}

export class ContractViolation extends Error {
  override name = "ContractViolation";
}

/** Throws ContractViolation when `response` breaks the contract of `method pathname`. */
export async function assertContract(method: string, url: string, response: Response): Promise<void> {
  const pathname = new URL(url, "http://localhost").pathname;
  const op = findOperation(method, pathname);
  const where = `${method.toUpperCase()} ${pathname}`;
  const contentType = response.headers.get("content-type") ?? "";
  if (!response.headers.get("x-request-id")) throw new ContractViolation(`${where}: response has no X-Request-Id`);

  let schema: Json | undefined;
  let key: string;
  if (!op) {
    // Unknown routes and framework answers are still the error envelope.
    if (response.ok) throw new ContractViolation(`${where}: ${response.status} from an undocumented route`);
    schema = { $ref: "#/components/schemas/Error" };
    key = "undocumented-error";
  } else {
    const documented = op.responses[String(response.status)];
    if (!documented) {
      throw new ContractViolation(
        `${where} (${op.template}): status ${response.status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`,
      );
    }
    schema = documented.content?.["application/json"]?.schema;
    key = `${op.method} ${op.template} ${response.status}`;
    if (!schema) return;
  }
  if (!contentType.includes("application/json")) throw new ContractViolation(`${where}: expected JSON, got ${contentType || "no content type"}`);
  const body = await response.clone().json();
  const result = validatorFor(key, schema).validate(body);
  if (!result.valid) {
    const errors = result.errors
      .slice(-5)
      .map((e) => `${e.instanceLocation}: ${e.error}`)
      .join("\n  ");
    throw new ContractViolation(`${where}: ${response.status} body breaks the contract:\n  ${errors}\n  body: ${JSON.stringify(body).slice(0, 500)}`);
  }
}
