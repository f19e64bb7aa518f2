// One fuzz case = path params + query + headers + body for one operation. Cases are plain data;
// credentials and ids that only exist at run time are `{{placeholders}}` resolved by request.ts.
import { fc } from "@fast-check/vitest";
import { type BodyCase, bodyCases } from "./bodies";
import { preview } from "./json";
import type { Credential, FuzzOperation, ParamSpec } from "./spec";
import { validValue } from "./spec";
import { SQL_INJECTION, asciiString, hugeString, nastyAscii, nastyString } from "./strings";

/**
 * `behind valid credentials`: valid credentials and ids, so body and query validation is reached;
 * `one bad path param`: the same with one path param broken, so param validation is reached;
 * `anything`: every part drawn independently.
 */
type Mode = "behind valid credentials" | "one bad path param" | "anything";

/** A path or query value: a known-good id, a string to percent-encode, or raw URL text. */
export type UrlValue = { valid: true } | { encoded: string } | { raw: string };

/** A JWT built at run time, so it can reuse the real `kid` and claims of a live token. */
export interface ForgedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: "empty" | "garbage" | "real";
  realKid: boolean;
  realClaims: boolean;
}

export interface FuzzCase {
  mode: Mode;
  path: Record<string, UrlValue>;
  query: Array<[string, UrlValue]>;
  /** Whether a declared query param was broken or a required one left out (extras do not count). */
  queryBroken: boolean;
  /** Header values may hold {{userToken}}, {{ownerSession}}, {{forged}}, ... */
  headers: Array<[string, string]>;
  forged: ForgedJwt | null;
  /**
   * What `{{email}}` in a body becomes: the fixture user's address (or the example), or one of
   * 32 others, so creations succeed a few times and then conflict. A small pool keeps the rate
   * limiter's Durable Objects (one per email) few, see send.ts.
   */
  email: "fixture" | number;
  body: BodyCase;
}

const RAW_PATH_GARBAGE = [
  "",
  " ",
  ".",
  "..",
  "%2e%2e",
  "%2E",
  "%2F",
  "a%2Fb",
  "a/b",
  "..%2f..%2fetc%2fpasswd",
  "%00",
  "a%00b",
  "%zz",
  "%",
  "%E0%A4%A",
  "%ED%A0%80",
  "%C0%AE",
  "%FF%FE",
  "a?b=1",
  "a#frag",
  ";",
  "~",
  "*",
  "null",
  "undefined",
  "0",
  "-1",
  "me",
  "%20%20",
  "%0d%0aX-Injected:%201",
];

const pathValue = (param: ParamSpec, allowValid: boolean): fc.Arbitrary<UrlValue> =>
  fc.oneof(
    { weight: allowValid ? 4 : 0, arbitrary: fc.constant<UrlValue>({ valid: true }) },
    { weight: 3, arbitrary: fc.constantFrom(...RAW_PATH_GARBAGE).map((raw): UrlValue => ({ raw })) },
    { weight: 3, arbitrary: nastyString.map((encoded): UrlValue => ({ encoded })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(63, 64, 65, 256, 4_096, 60_000)
        .chain((n) => fc.constantFrom("a", "é", "%", "😀").map((u): UrlValue => (u === "%" ? { raw: "%25".repeat(n) } : { encoded: u.repeat(n) }))),
    },
    { weight: 1, arbitrary: fc.constant<UrlValue>({ encoded: String(validValue(param.schema)) }) },
  );

const QUERY_GARBAGE = ["", "abc", "-1", "0", "1.5", "1e309", "NaN", "Infinity", "true", "null", "[]", "9".repeat(400), "0x10", "%zz", "%00", "a%26b%3Dc"];

/** A broken value for a declared query param (the same garbage whatever its schema). */
const queryValue = (): fc.Arbitrary<UrlValue> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_GARBAGE).map((raw): UrlValue => ({ raw })) },
    { weight: 3, arbitrary: nastyString.map((encoded): UrlValue => ({ encoded })) },
    { weight: 1, arbitrary: hugeString.map((s): UrlValue => ({ encoded: s.slice(0, 20_000) })) },
  );

type QueryEntries = Array<[string, UrlValue]>;
type Query = { entries: QueryEntries; broken: boolean };

/**
 * Declared query params start valid (optional ones sometimes omitted) and then up to two are
 * broken (garbage, or the key repeated), so each broken param is reached on its own; plus
 * undeclared extras.
 */
function queries(op: FuzzOperation): fc.Arbitrary<Query> {
  const extra = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom("limit", "cursor", "__proto__", "q", "a[]", "a[b]"), asciiString(20)),
      fc.oneof(nastyString, fc.constantFrom(...QUERY_GARBAGE)).map((encoded): UrlValue => ({ encoded })),
    ),
    { maxLength: 3 },
  );
  const extras = fc.oneof({ weight: 3, arbitrary: fc.constant<QueryEntries>([]) }, { weight: 1, arbitrary: extra });
  if (!op.queryParams.length) return extras.map((entries) => ({ entries, broken: false }));
  const validEntry = (p: ParamSpec): QueryEntries => [[p.name, { encoded: String(validValue(p.schema)) }]];
  const base = fc.tuple(
    ...op.queryParams.map((p) => (p.required ? fc.constant(validEntry(p)) : fc.oneof(fc.constant<QueryEntries>([]), fc.constant(validEntry(p))))),
  );
  const broken = fc.array(
    fc.constantFrom(...op.queryParams).chain((p) =>
      fc
        .oneof(
          { weight: 4, arbitrary: queryValue().map((v) => ({ entries: [[p.name, v]] as QueryEntries, broken: true })) },
          {
            weight: 1,
            arbitrary: fc.tuple(queryValue(), queryValue()).map(([a, b]) => ({
              entries: [
                [p.name, a],
                [p.name, b],
              ] as QueryEntries,
              broken: true,
            })),
          },
          // A required param left out; an optional one kept valid.
          { weight: 1, arbitrary: fc.constant({ entries: p.required ? [] : validEntry(p), broken: p.required }) },
        )
        .map((x) => ({ name: p.name, ...x })),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(base, broken, extras).map(([b, br, ex]) => {
    const replaced = new Set(br.map((x) => x.name));
    return { entries: [...b.flat().filter(([k]) => !replaced.has(k)), ...br.flatMap((x) => x.entries), ...ex], broken: br.some((x) => x.broken) };
  });
}

export const base64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const claimValue = fc.oneof(nastyString, fc.constantFrom<unknown>(null, 0, -1, 1e308, true, [], {}, "{{projectId}}"));
const forgedJwt: fc.Arbitrary<ForgedJwt> = fc.record({
  header: fc.record(
    {
      alg: fc.constantFrom<unknown>("ES256", "none", "HS256", "RS256", "", null, 1),
      kid: fc.oneof(nastyString, fc.constantFrom<unknown>(null, 1, {}, "x".repeat(5_000))),
      typ: fc.constantFrom<unknown>("at+jwt", "JWT", null),
      crit: fc.constantFrom<unknown>(["b64"], "x"),
    },
    { requiredKeys: ["alg"] },
  ),
  payload: fc.record(
    { sub: claimValue, sid: claimValue, aud: claimValue, iss: claimValue, exp: fc.constantFrom<unknown>(0, -1, 1e308, "never", 9_999_999_999) },
    { requiredKeys: [] },
  ),
  signature: fc.constantFrom("empty", "garbage", "real"),
  realKid: fc.boolean(),
  realClaims: fc.boolean(),
});

const BAD_BEARER = [
  "Bearer",
  "Bearer ",
  "bearer",
  "Bearer  ",
  "Bearer null",
  "Bearer undefined",
  "Bearer eyJ",
  "Bearer ...",
  "Bearer a.b.c",
  "Bearer {{foreignToken}}",
  "Bearer {{tamperedToken}}",
  "Bearer {{algNoneToken}}",
  "Bearer {{swappedToken}}",
  "Bearer {{ownerSession}}",
  "Bearer {{userToken}} extra",
  "Bearer {{userToken}}, Bearer {{foreignToken}}",
  "Token {{userToken}}",
  "{{userToken}}",
  "Basic dXNlckBleGFtcGxlLmNvbTpzdHJvbmdwYXNzd29yZDEyMw==",
  "Basic {{userToken}}",
  "Basic !!!",
  "Negotiate YII=",
];

const hugeHeader = (prefix: string) => fc.constantFrom(8_192, 32_768, 100_000).map((n) => `${prefix}${"A".repeat(n)}`);

const badBearer: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  fc.constant<Array<[string, string]>>([]),
  fc.constantFrom(...BAD_BEARER).map((v): Array<[string, string]> => [["Authorization", v]]),
  fc.constant<Array<[string, string]>>([["Authorization", "Bearer {{forged}}"]]),
  nastyAscii.map((v): Array<[string, string]> => [["Authorization", `Bearer ${v}`]]),
  hugeHeader("Bearer ").map((v): Array<[string, string]> => [["Authorization", v]]),
  fc.constant<Array<[string, string]>>([["X-Admin-Session", "{{userToken}}"]]),
);

const badHeaderCredential = (header: string): fc.Arbitrary<Array<[string, string]>> =>
  fc.oneof(
    fc.constant<Array<[string, string]>>([]),
    fc
      .constantFrom(
        "",
        " ",
        "null",
        "{{ownerSession}}x",
        "x{{ownerSession}}",
        "{{ownerSession}}, {{ownerSession}}",
        "{{ownerSessionUpper}}",
        "{{viewerSession}}",
        "{{userToken}}",
        "as_",
        "Bearer {{ownerSession}}",
        ...SQL_INJECTION,
      )
      .map((v): Array<[string, string]> => [[header, v]]),
    nastyAscii.map((v): Array<[string, string]> => [[header, v]]),
    hugeHeader("as_").map((v): Array<[string, string]> => [[header, v]]),
    fc.constant<Array<[string, string]>>([["Authorization", "Bearer {{ownerSession}}"]]),
  );

export const validCredential = (c: Credential): Array<[string, string]> =>
  c.kind === "bearer"
    ? [["Authorization", "Bearer {{userToken}}"]]
    : [[c.header, c.scheme === "adminSession" ? "{{ownerSession}}" : `{{credential:${c.scheme}}}`]];

function credentials(op: FuzzOperation, validOnly: boolean): fc.Arbitrary<Array<[string, string]>> {
  if (!op.credentials.length) {
    // Public operations must ignore whatever credentials come along.
    return validOnly
      ? fc.constant<Array<[string, string]>>([])
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) },
          { weight: 1, arbitrary: badBearer },
          { weight: 1, arbitrary: badHeaderCredential("X-Admin-Session") },
        );
  }
  return fc.constantFrom(...op.credentials).chain((c) => {
    const valid = fc.constant(validCredential(c));
    if (validOnly) return valid;
    const bad = c.kind === "bearer" ? badBearer : badHeaderCredential(c.header);
    return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 2, arbitrary: bad });
  });
}

// Client IPs key rate-limit Durable Objects, so they come from a small set (see send.ts).
const CLIENT_IPS = ["203.0.113.7", "2001:db8::1", "::1", "999.999.999.999", "' OR 1=1 --", "", "unknown", "A".repeat(8_192)];

/** Headers beside credentials that middleware reads: request id, origin, client IP, user agent. */
const otherHeaders: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.oneof(
        fc.tuple(
          fc.constantFrom("X-Request-Id", "Origin", "User-Agent", "Accept", "X-Forwarded-For", "Content-Encoding", "Accept-Encoding"),
          fc.oneof(nastyAscii, hugeHeader(""), fc.constantFrom("gzip", "null", "https://evil.example")),
        ),
        fc.tuple(fc.constant("CF-Connecting-IP"), fc.constantFrom(...CLIENT_IPS)),
      ) as fc.Arbitrary<[string, string]>,
      { minLength: 1, maxLength: 3 },
    ),
  },
);

/** Every kind of fuzz case for one operation. */
export function fuzzCases(op: FuzzOperation): fc.Arbitrary<FuzzCase> {
  const body = bodyCases(op.method, op.body?.schema ?? null);
  const valid = fc.constant<UrlValue>({ valid: true });
  const allValid = fc.constant(Object.fromEntries(op.pathParams.map((p) => [p.name, { valid: true } as UrlValue])));
  const paths: Record<Mode, fc.Arbitrary<Record<string, UrlValue>>> = {
    "behind valid credentials": allValid,
    "one bad path param": op.pathParams.length
      ? fc
          .constantFrom(...op.pathParams)
          .chain((bad) => fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, p === bad ? pathValue(p, false) : valid]))))
      : allValid,
    anything: fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, pathValue(p, true)]))),
  };
  const mk = (mode: Mode) =>
    fc
      .record({
        path: paths[mode],
        query: queries(op),
        credentials: credentials(op, mode !== "anything"),
        other: otherHeaders,
        forged: fc.option(forgedJwt, { nil: null }),
        email: fc.oneof(fc.constant<"fixture">("fixture"), fc.integer({ min: 0, max: 31 })),
        body,
      })
      .map(
        ({ path, query, credentials, other, forged, email, body }): FuzzCase => ({
          mode,
          path,
          query: query.entries,
          queryBroken: query.broken,
          headers: [...credentials, ...other],
          forged,
          email,
          body,
        }),
      );
  // Most cases carry valid credentials and ids, so validation behind auth is reached at all.
  return fc
    .oneof(
      { weight: 2, arbitrary: mk("behind valid credentials") },
      { weight: op.pathParams.length ? 1 : 0, arbitrary: mk("one bad path param") },
      { weight: 2, arbitrary: mk("anything") },
    )
    .map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));
}

/** A short, readable description of a case for failure reports. */
export function describeCase(c: FuzzCase): string {
  const url = (v: UrlValue) =>
    "valid" in v ? "<valid>" : "raw" in v ? `raw:${JSON.stringify(preview(v.raw, 60))}` : `enc:${JSON.stringify(preview(v.encoded, 60))}`;
  const p = c.body.payload;
  return JSON.stringify({
    mode: c.mode,
    path: Object.fromEntries(Object.entries(c.path).map(([k, v]) => [k, url(v)])),
    query: c.query.map(([k, v]) => `${preview(k, 30)}=${url(v)}`),
    headers: c.headers.map(([k, v]) => `${k}: ${preview(v, 80)}`),
    forged: c.forged && c.headers.some(([, v]) => v.includes("{{forged}}")) ? c.forged : undefined,
    email: c.email,
    body: p ? `${p.kind} ${preview(p.label, 160)}` : null,
    contentType: c.body.contentType === null ? "<none>" : preview(c.body.contentType ?? "", 60),
    chunked: c.body.chunked || undefined,
  });
}
