// Request bodies for one operation, driven by its request schema: the valid example broken in
// every way a client can break it, plus bodies that are not JSON at all.
import { fc } from "@fast-check/vitest";
import { type JVal, Obj, Raw, fromPlain, preview, serialize } from "./json";
import { type Json, resolve, typesOf, validValue } from "./spec";
import { deepNesting, hugeString, nastyString, wrongTypeFor } from "./strings";

export type Payload =
  | { kind: "json"; value: JVal; label: string }
  | { kind: "text"; text: string; label: string }
  | { kind: "bytes"; bytes: Uint8Array; label: string }
  | { kind: "form"; encoding: "multipart" | "urlencoded"; fields: Record<string, string>; label: string };

export interface BodyCase {
  payload: Payload | null;
  /** The Content-Type header to send; null sends none ("auto" lets a form body set its own). */
  contentType: string | null | "auto";
  /** Sent as a stream without Content-Length, so the size cap has to count while reading. */
  chunked: boolean;
}

const JSON_TYPE = "application/json";

const CONTENT_TYPES: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(JSON_TYPE) },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      null,
      "",
      "text/plain",
      "text/plain;charset=UTF-8",
      "multipart/form-data",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-8",
      "application/json;charset=utf-16",
      "APPLICATION/JSON",
      "application/vnd.api+json",
      "application/json-patch+json",
      "application/jsonx",
      "application/json; ",
      "application/json, text/plain",
      "application/xml",
      "*/*",
      'application/json; charset="\';DROP TABLE users;--"',
      `application/json; x=${"a".repeat(8_000)}`,
    ),
  },
);

/** Text that is not a JSON document, or a JSON document that is not an object. */
const NOT_AN_OBJECT = [
  "",
  " ",
  "{",
  "}",
  "{}}",
  '{"email":',
  "{'email':'fuzz@example.com'}",
  '{"a":1,}',
  "[1,2,]",
  "undefined",
  "NaN",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"unterminated}',
  '{"a":"raw\u0001control"}',
  "// comment\n{}",
  "{} {}",
  "{}garbage",
  "\u0000",
  "null",
  "true",
  "0",
  "-0",
  "1e309",
  '"a string"',
  "[]",
  "[{}]",
  '{"__proto__":{"role":"owner","isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
];

const INVALID_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00]];
const EXTRA_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "isAdmin",
  "role",
  "id",
  "projectId",
  "userId",
  "emailVerified",
  "disabled",
  "passwordHash",
  "",
  "a".repeat(1_000),
];

type Mutation = { label: string; apply: (entries: Array<readonly [string, JVal]>) => Array<readonly [string, JVal]> };

/** A value for a declared property that its schema should refuse or that stresses it. */
function badValueFor(name: string, schema: Json): fc.Arbitrary<{ value: JVal; label: string }> {
  const types = typesOf(schema);
  const takes = (t: string) => types.length === 0 || types.includes(t);
  const labelled = (value: JVal) => ({ value, label: `${name}=${preview(serialize(value), 40)}` });
  const options = [
    wrongTypeFor(types).map((value) => ({ value, label: `${name}=wrong type ${preview(serialize(value), 40)}` })),
    fc.constantFrom(new Raw("1e309"), new Raw("-0"), new Raw("1e-400"), new Raw("99999999999999999999999")).map(labelled),
    deepNesting.map((value) => ({ value, label: `${name}=deep ${preview(value.text, 24)}` })),
  ];
  if (takes("string")) {
    options.push(
      nastyString.map(labelled),
      hugeString.map((value) => ({ value, label: `${name}=huge ${JSON.stringify(value.slice(0, 2))}×${value.length}` })),
    );
  }
  if (takes("integer") || takes("number")) {
    // Just outside the declared bounds, and sizes that overflow 32-bit or exact-integer arithmetic.
    const bounds = [schema.minimum - 1, schema.maximum + 1, schema.exclusiveMinimum, schema.exclusiveMaximum].filter((n) => Number.isFinite(n));
    options.push(fc.constantFrom<JVal>(...bounds, -1, 0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MAX_VALUE).map(labelled));
  }
  if (takes("array")) {
    const item = resolve(schema.items);
    const items = fc.oneof(wrongTypeFor(typesOf(item)), ...(typesOf(item).includes("string") || !typesOf(item).length ? [nastyString] : []));
    options.push(fc.array(items, { maxLength: (schema.maxItems ?? 20) + 5 }).map(labelled));
  }
  return fc.oneof(...options);
}

function objectMutations(schema: Json): fc.Arbitrary<Mutation> {
  const props = Object.entries<Json>(schema.properties ?? {});
  const required: string[] = schema.required ?? [];
  const set = (name: string, value: JVal) => (entries: Array<readonly [string, JVal]>) => {
    const rest = entries.filter(([k]) => k !== name);
    return [...rest, [name, value] as const];
  };
  const options: fc.Arbitrary<Mutation>[] = [
    fc
      .record({
        key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), nastyString),
        value: fc.oneof(fc.constantFrom<JVal>(true, "owner", 1, null), nastyString, deepNesting),
      })
      .map(({ key, value }) => ({ label: `extra ${JSON.stringify(preview(key, 30))}`, apply: (e) => [...e, [key, value] as const] })),
  ];
  if (props.length) {
    options.push(
      fc.constantFrom(...props).chain(([name, prop]) => badValueFor(name, resolve(prop)).map(({ value, label }) => ({ label, apply: set(name, value) }))),
      fc.constantFrom(...props.map(([name]) => name)).map((name) => ({ label: `drop ${name}`, apply: (e) => e.filter(([k]) => k !== name) })),
      fc
        .record({ name: fc.constantFrom(...props.map(([n]) => n)), value: fc.oneof(nastyString, fc.constantFrom<JVal>(null, 1, true)) })
        .map(({ name, value }) => ({ label: `duplicate ${name}`, apply: (e) => [...e, [name, value] as const] })),
    );
  }
  if (required.length) {
    options.push(fc.constantFrom(...required).map((name) => ({ label: `missing required ${name}`, apply: (e) => e.filter(([k]) => k !== name) })));
  }
  return fc.oneof(...options);
}

/** Bodies for an operation that declares a JSON request body with `schema`. */
function jsonBodies(schema: Json): fc.Arbitrary<Payload> {
  const s = resolve(schema);
  const base = withEmailPlaceholders(s, fromPlain(validValue(s)));
  const baseText = serialize(base);
  const isObject = base instanceof Obj;
  const options: fc.Arbitrary<Payload>[] = [
    fc.constant<Payload>({ kind: "json", value: base, label: "valid example" }),
    fc.constantFrom(...NOT_AN_OBJECT).map((text): Payload => ({ kind: "text", text, label: `text ${JSON.stringify(preview(text, 40))}` })),
    fc
      .integer({ min: 0, max: Math.max(0, baseText.length - 1) })
      .map((n): Payload => ({ kind: "text", text: baseText.slice(0, n), label: `truncated at ${n}` })),
    fc.uint8Array({ maxLength: 256 }).map((bytes): Payload => ({ kind: "bytes", bytes, label: `random bytes ×${bytes.length}` })),
    fc.constantFrom(...INVALID_UTF8).map(
      (bad): Payload => ({
        kind: "bytes",
        bytes: spliceIntoFirstString(baseText, bad),
        label: `invalid UTF-8 ${bad.map((b) => b.toString(16)).join(" ")} in a string`,
      }),
    ),
    fc
      .constantFrom("\uFEFF", " \n\t", "\u00a0")
      .map((prefix): Payload => ({ kind: "text", text: prefix + baseText, label: `prefixed ${JSON.stringify(prefix)}` })),
    fc.constantFrom(60_000, 65_536, 70_000).map((n): Payload => ({ kind: "text", text: baseText + " ".repeat(n), label: `valid + ${n} spaces` })),
    deepNesting.map((value): Payload => ({ kind: "json", value, label: `whole body deep ${preview(value.text, 24)}` })),
    hugeString.map((value): Payload => ({ kind: "json", value, label: `whole body huge string ×${value.length}` })),
    fc.constant<Payload>({ kind: "form", encoding: "multipart", fields: formFields(base), label: "multipart form" }),
    fc.constant<Payload>({ kind: "form", encoding: "urlencoded", fields: formFields(base), label: "urlencoded form" }),
  ];
  if (isObject) {
    const mutated = fc.array(objectMutations(s), { minLength: 1, maxLength: 3 }).map(
      (ms): Payload => ({
        kind: "json",
        value: new Obj(ms.reduce((entries, m) => m.apply(entries), [...(base as Obj).entries])),
        label: ms.map((m) => m.label).join(" + "),
      }),
    );
    return fc.oneof({ weight: 2, arbitrary: options[0]! }, { weight: 12, arbitrary: mutated }, { weight: 8, arbitrary: fc.oneof(...options.slice(1)) });
  }
  return fc.oneof(...options);
}

/** Bodies sent to operations that declare none (POST/PATCH/DELETE without requestBody). */
const unexpectedBodies: fc.Arbitrary<Payload> = fc.oneof(
  fc.constantFrom(...NOT_AN_OBJECT).map((text): Payload => ({ kind: "text", text, label: `text ${JSON.stringify(preview(text, 40))}` })),
  fc.uint8Array({ maxLength: 256 }).map((bytes): Payload => ({ kind: "bytes", bytes, label: `random bytes ×${bytes.length}` })),
  { weight: 2, arbitrary: hugeString.map((value): Payload => ({ kind: "json", value, label: `huge string ×${value.length}` })) },
  deepNesting.map((value): Payload => ({ kind: "json", value, label: `deep ${preview(value.text, 24)}` })),
);

/** The body part of a case: with a body schema mostly JSON; without one mostly no body at all. */
export function bodyCases(method: string, schema: Json | null): fc.Arbitrary<BodyCase> {
  if (method === "GET") return fc.constant({ payload: null, contentType: null, chunked: false });
  const payloads = schema
    ? fc.oneof({ weight: 19, arbitrary: jsonBodies(schema) }, { weight: 1, arbitrary: fc.constant(null) })
    : fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: unexpectedBodies });
  return fc
    .record({
      payload: payloads,
      contentType: CONTENT_TYPES,
      chunked: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map((c) => (c.payload?.kind === "form" ? { ...c, contentType: "auto" as const } : c));
}

/** Email properties become `{{email}}`, filled per case (request.ts) so creations can succeed. */
function withEmailPlaceholders(schema: Json, base: JVal): JVal {
  if (!(base instanceof Obj)) return base;
  const isEmail = (name: string) => resolve(schema.properties?.[name]).format === "email";
  return new Obj(base.entries.map(([k, v]) => [k, isEmail(k) ? "{{email}}" : v] as const));
}

function formFields(base: JVal): Record<string, string> {
  if (!(base instanceof Obj)) return { body: serialize(base) };
  return Object.fromEntries(base.entries.map(([k, v]) => [k, typeof v === "string" ? v : serialize(v)]));
}

/** The UTF-8 of `json` with `bad` bytes spliced in right after the first string's opening quote. */
function spliceIntoFirstString(json: string, bad: number[]): Uint8Array {
  const bytes = new TextEncoder().encode(json);
  const at = bytes.indexOf(0x22) + 1;
  return new Uint8Array([...bytes.slice(0, at), ...bad, ...bytes.slice(at)]);
}
