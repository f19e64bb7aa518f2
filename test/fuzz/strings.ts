// Hostile strings and values: injection payloads, awkward unicode, NaN-ish numbers, huge and deep.
import { fc } from "@fast-check/vitest";
import { type JVal, Obj, Raw } from "./json";

export const SQL_INJECTION = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "admin'--",
  "1; SELECT * FROM admin_sessions",
  "' UNION SELECT sqlite_version(), null, null --",
  "%' AND 1=0 UNION SELECT name FROM sqlite_master --",
  "' || (SELECT hex(randomblob(8))) || '",
  "\\'; --",
  "?",
  "?1",
  ":id",
];

const MARKUP = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, sent as is
  "${7*7}",
  "<!--",
  "]]>",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%s%s%s%n",
  "__proto__",
  "constructor",
  "toString",
];

const UNICODE = [
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF",
  "x\uDBFFy",
  "\u202Eevil\u202C.com",
  "\u200F\u05E9\u05DC\u05D5\u05DD",
  "مرحبا بالعالم",
  "😀",
  "👨‍👩‍👧‍👦",
  "🏳️‍🌈",
  "\uFEFF",
  "\u200B\u200C\u200D",
  "Z̷̧͉̈́a̸͇͝l̶̰̎g̵̱̈o̴̟͐",
  "İıſK",
  "ß",
  "ﬃ",
  "\u0085\u2028\u2029",
  "𝕒𝕕𝕞𝕚𝕟",
  "ａｄｍｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
  "\r\n\t\b\f\v",
  "\u001b[31mred\u001b[0m",
  "\uFFFD\uFFFE\uFFFF",
];

const NUMBERISH = [
  "NaN",
  "-NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "0",
  "1e309",
  "-1e309",
  "1e-400",
  "0x1F",
  "00",
  "-1",
  "9".repeat(400),
  "1.5",
  "true",
  "null",
  "undefined",
  "[]",
  "{}",
];

const EMAILISH = [
  "fuzz@example.com",
  "FUZZ@EXAMPLE.COM",
  " fuzz@example.com ",
  "fuzz@example.com\u0000@evil.com",
  '"quoted local"@example.com',
  "user@[127.0.0.1]",
  "user@localhost",
  "a@b",
  "@example.com",
  "user@",
  "user@@example.com",
  "user@exa mple.com",
  "üser@exämple.com",
  `${"a".repeat(64)}@${"b".repeat(189)}.com`,
  `${"a".repeat(300)}@example.com`,
  "' OR 1=1 --@example.com",
  "<script>@example.com",
];

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const asciiUnit = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

/** Printable ASCII only: what a header value may carry. */
export const asciiString = (maxLength = 200) => fc.string({ unit: asciiUnit, maxLength });

/** A short hostile string: injection payloads, unicode edge cases (lone surrogates, NUL, RTL), random code units. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_INJECTION, ...MARKUP, ...UNICODE, ...NUMBERISH, ...EMAILISH),
  fc.string({ unit: utf16Unit, maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.tuple(fc.constantFrom(...UNICODE, ...SQL_INJECTION), fc.constantFrom("fuzz@example.com", "strongpassword123", "Test User")).map(([a, b]) => a + b),
);

/** Printable-ASCII hostile strings (header values, tokens). */
export const nastyAscii: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_INJECTION, ...MARKUP.filter((s) => /^[\x20-\x7e]*$/.test(s)), ...NUMBERISH),
  asciiString(120),
);

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/**
 * A string whose JSON encoding is about `bytes` long, around the 64 KiB body cap, in units that
 * cost 1, 2, 4 or 6 bytes on the wire (so a char count under the cap may be a byte count over it).
 */
export const hugeString: fc.Arbitrary<string> = fc
  .record({
    unit: fc.constantFrom("a", "é", "😀", "\u0000", "\uD800", "<", "'", " "),
    bytes: fc.oneof(fc.constantFrom(1_024, 16_384, 65_000, 65_536, 66_000, 300_000), fc.integer({ min: 60_000, max: 70_000 })),
  })
  .map(({ unit, bytes }) => unit.repeat(Math.ceil(bytes / (utf8Length(JSON.stringify(unit)) - 2))));

/** `depth` levels of nested arrays or objects, as raw JSON (500 levels and far beyond). */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .record({ depth: fc.constantFrom(100, 500, 1_000, 5_000, 12_000, 30_000), shape: fc.constantFrom("array", "object", "mixed") })
  .map(({ depth, shape }) => {
    if (shape === "array") return new Raw("[".repeat(depth) + "]".repeat(depth));
    if (shape === "object") return new Raw(`${'{"a":'.repeat(depth)}null${"}".repeat(depth)}`);
    return new Raw(`${'[{"a":'.repeat(depth / 2)}1${"}]".repeat(depth / 2)}`);
  });

/** Values of every JSON type, with the type each parses to; `wrongTypeFor` picks those a schema refuses. */
const TYPED_VALUES: ReadonlyArray<readonly [string, JVal]> = [
  ["null", null],
  ["boolean", true],
  ["boolean", false],
  ["integer", 0],
  ["integer", -1],
  ["integer", 2 ** 53 + 2],
  ["integer", new Raw("-0")],
  ["integer", new Raw("123456789012345678901234567890")],
  ["number", 1.5],
  ["number", new Raw("1e309")],
  ["number", new Raw("-1e309")],
  ["number", new Raw("1e-400")],
  ["number", new Raw("-0.0e+0")],
  ["string", ""],
  ["string", "NaN"],
  ["string", "Infinity"],
  ["string", "-0"],
  ["string", "1e309"],
  ["string", "true"],
  ["string", "null"],
  ["array", []],
  ["array", [null]],
  ["array", ["fuzz@example.com", "strongpassword123"]],
  ["object", new Obj([])],
  ["object", new Obj([["$ne", null]])],
  ["object", new Obj([["__proto__", new Obj([["role", "owner"]])]])],
];

/** Values whose JSON type the declared `types` do not include (integers count as numbers). */
export function wrongTypeFor(types: string[]): fc.Arbitrary<JVal> {
  const accepts = (t: string) => types.includes(t) || (t === "integer" && types.includes("number"));
  const wrong = types.length === 0 ? TYPED_VALUES : TYPED_VALUES.filter(([t]) => !accepts(t));
  return fc.constantFrom(...(wrong.length ? wrong : TYPED_VALUES).map(([, v]) => v));
}
