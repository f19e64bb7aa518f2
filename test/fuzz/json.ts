// A JSON value model that can also say what JSON.stringify cannot: raw number tokens (1e309, -0),
// invalid fragments, duplicate keys and `__proto__` keys, in a fixed order.
import { fc } from "@fast-check/vitest";

export const preview = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

/** Emitted verbatim: extreme numbers, deep nesting, invalid JSON fragments. */
export class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod]() {
    return `Raw(${JSON.stringify(preview(this.text, 80))})`;
  }
}

/** An object as ordered entries, so duplicate and `__proto__` keys reach the wire. */
export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, JVal]>) {}
  [fc.toStringMethod]() {
    return preview(serialize(this), 200);
  }
}

export type JVal = null | boolean | number | string | Raw | Obj | JVal[];

export function serialize(value: JVal): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(",")}]`;
  return JSON.stringify(value);
}

/** Plain data (a schema example) into the model. */
export function fromPlain(value: unknown): JVal {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (value && typeof value === "object") return new Obj(Object.entries(value).map(([k, v]) => [k, fromPlain(v)] as const));
  return value as JVal;
}
