import type { AnySchemaObject, ErrorObject } from "ajv";
import type { DocPath, Issue } from "../diagnostics/issue.js";
import { nearest } from "../diagnostics/suggest.js";
import { resolvePlain } from "../load/simple-yaml.js";
import { FORMATS } from "./formats.js";

/** Where a validated value sits: the document it came from, and a path prefix inside it. */
export interface Anchor {
  /** Turns a path inside the document into an issue with file, line and column. */
  readonly issue: (path: DocPath, code: Issue["code"], message: string, key: boolean) => Issue;
  readonly base: DocPath;
  /** The scalar at a path as the file spells it, when there is one: for hints that show the user's own text. */
  readonly written?: (path: DocPath) => WrittenScalar | undefined;
}

/** A scalar as written in the source: its text, and whether it was quoted. */
export interface WrittenScalar {
  readonly text: string;
  readonly quoted: boolean;
}

/** A JSON pointer (`/spec/ingestors/0/name`) as path segments, numbers for array indexes. */
export function pointerToPath(pointer: string, value: unknown): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur: unknown = value;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

/**
 * ajv's errors, worded for a person and placed in the source. Noise is folded: the
 * branch errors of an `anyOf` become one "must be an integer or a string".
 */
export function ajvIssues(errors: readonly ErrorObject[] | null | undefined, value: unknown, anchor: Anchor): Issue[] {
  if (!errors) return [];
  const anyOfPaths = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e.keyword === "anyOf" || e.keyword === "oneOf") anyOfPaths.set(`${e.instancePath}\0${e.schemaPath}`, []);
  }
  const kept: ErrorObject[] = [];
  for (const e of errors) {
    const parent = [...anyOfPaths.keys()].find((k) => {
      const [ip, sp] = k.split("\0") as [string, string];
      // A branch's own error (…/anyOf/0/type), not a sibling keyword's at the same place.
      return e.keyword !== "anyOf" && e.keyword !== "oneOf" && e.instancePath === ip && e.schemaPath.startsWith(`${sp}/`);
    });
    if (parent !== undefined) anyOfPaths.get(parent)!.push(e);
    else kept.push(e);
  }
  const issues: Issue[] = [];
  for (const e of kept) {
    const path = [...anchor.base, ...pointerToPath(e.instancePath, value)];
    const branches = anyOfPaths.get(`${e.instancePath}\0${e.schemaPath}`);
    const written = e.keyword === "type" || e.keyword === "anyOf" || e.keyword === "oneOf" ? anchor.written?.(path) : undefined;
    const described = describe(e, branches ?? [], written);
    const finalPath = described.child === undefined ? path : [...path, described.child];
    const hint = described.expected !== undefined ? yamlHint(described.expected, e.data, finalPath, written) : "";
    issues.push(anchor.issue(finalPath, described.code, described.message + hint, described.key));
  }
  return issues;
}

interface Described {
  code: Issue["code"];
  message: string;
  /** A property name to append to the path (unknown or missing field). */
  child?: string;
  /** Point at the key rather than the value. */
  key: boolean;
  /** For a type error: the JSON types the schema wants. */
  expected?: readonly string[];
}

function describe(e: ErrorObject, branches: ErrorObject[], written?: WrittenScalar): Described {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as AnySchemaObject;
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(p.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      const guess = nearest(name, known);
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : known.length > 0 && known.length <= 8 ? ` (known fields: ${known.join(", ")})` : "";
      return { code: "unknown-field", message: `unknown field "${name}"${hint}`, child: name, key: true };
    }
    case "required":
      return { code: "missing-field", message: `missing required field "${String(p.missingProperty)}"`, key: false };
    case "enum":
      return { code: "schema", message: `must be ${alternatives((p.allowedValues as unknown[]) ?? [])}`, key: false };
    case "const":
      return { code: "schema", message: `must be ${JSON.stringify(p.allowedValue)}`, key: false };
    case "type":
      return { code: "schema", message: `must be ${typeWords(String(p.type))}, not ${kindOf(e.data, written)}`, key: false, expected: String(p.type).split(",") };
    case "format": {
      const f = FORMATS[String(p.format)];
      return { code: "schema", message: f?.message ?? `must be in the format ${String(p.format)}`, key: false };
    }
    case "pattern":
      return { code: "schema", message: `must match the pattern ${String(p.pattern)}`, key: false };
    case "minimum":
    case "exclusiveMinimum":
      return { code: "schema", message: `must be ${e.keyword === "minimum" ? "at least" : "more than"} ${String(p.limit)}`, key: false };
    case "maximum":
    case "exclusiveMaximum":
      return { code: "schema", message: `must be ${e.keyword === "maximum" ? "at most" : "less than"} ${String(p.limit)}`, key: false };
    case "minLength":
      return { code: "schema", message: Number(p.limit) === 1 ? "must not be empty" : `must be at least ${String(p.limit)} characters long`, key: false };
    case "maxLength":
      return { code: "schema", message: `must be at most ${String(p.limit)} characters long`, key: false };
    case "minItems":
      return { code: "schema", message: `must have at least ${String(p.limit)} item${Number(p.limit) === 1 ? "" : "s"}`, key: false };
    case "maxItems":
      return { code: "schema", message: `must have at most ${String(p.limit)} item${Number(p.limit) === 1 ? "" : "s"}`, key: false };
    case "minProperties":
    case "maxProperties": {
      const names = Object.keys((parent.properties ?? {}) as object);
      if (parent.minProperties === 1 && parent.maxProperties === 1 && names.length > 0) {
        return { code: "schema", message: `must set exactly one of ${names.join(", ")}`, key: false };
      }
      if (e.keyword === "maxProperties" && parent.maxProperties === 1 && names.length > 0) {
        return { code: "schema", message: `must set at most one of ${names.join(", ")}`, key: false };
      }
      const word = e.keyword === "minProperties" ? "at least" : "at most";
      return { code: "schema", message: `must have ${word} ${String(p.limit)} entr${Number(p.limit) === 1 ? "y" : "ies"}`, key: false };
    }
    case "uniqueItems":
      return { code: "schema", message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`, key: false };
    case "anyOf":
    case "oneOf": {
      const types = branches.filter((b) => b.keyword === "type").map((b) => String((b.params as { type: string }).type));
      if (types.length === branches.length && types.length > 0) {
        return { code: "schema", message: `must be ${typeWords(...types)}, not ${kindOf(e.data, written)}`, key: false, expected: types.flatMap((t) => t.split(",")) };
      }
      const first = branches[0];
      return first !== undefined ? describe(first, []) : { code: "schema", message: "does not match any allowed form", key: false };
    }
    default:
      return { code: "schema", message: e.message ?? `fails ${e.keyword}`, key: false };
  }
}

/**
 * Fleet files are YAML 1.2 (the core schema): an unquoted `012`, `0x1f`, `1e3`, `true` or
 * `null` is a number, a boolean or null, never the string it looks like, while `yes`, `no`,
 * `on` and `off` are strings, not booleans as in YAML 1.1. When that is why a value has the
 * wrong type, say how to write it, with the user's own text.
 */
function yamlHint(expected: readonly string[], data: unknown, path: DocPath, written: WrittenScalar | undefined): string {
  if (written === undefined) return "";
  const last = path[path.length - 1];
  const lead = typeof last === "number" ? "- " : last === undefined ? "" : `${yamlKey(last)}: `;
  if (expected.includes("string") && (data === null || typeof data === "number" || typeof data === "boolean") && !written.quoted && written.text !== "") {
    return `; quote it: ${lead}${JSON.stringify(written.text)}`;
  }
  if (expected.includes("boolean") && typeof data === "string") {
    const word = YAML11_BOOLEANS.get(data);
    if (word === undefined) return "";
    return written.quoted ? `; write ${lead}${word}, without quotes` : `; YAML 1.2 reads ${data} as a string: write ${lead}${word}`;
  }
  return "";
}

/** What YAML 1.1 read as booleans, and YAML 1.2 reads as strings. */
const YAML11_BOOLEANS = new Map<string, string>([
  ...["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"].map((w) => [w, "true"] as const),
  ...["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"].map((w) => [w, "false"] as const),
]);

/** A key as it can be written unquoted, else quoted. */
function yamlKey(key: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key) && typeof resolvePlain(key) === "string" ? key : JSON.stringify(key);
}

/** Values `"a"`, `"a" or "b"`, `one of "a", "b", "c"`; words (`quote` false) `a, b or c`. */
export function alternatives(values: readonly unknown[], quote = true): string {
  const shown = values.map((v) => (quote ? JSON.stringify(v) : String(v)));
  if (shown.length === 1) return shown[0]!;
  if (quote && shown.length > 2) return `one of ${shown.join(", ")}`;
  return `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
}

/** ajv's `type` param (`"string"`, `"string,null"`, one or more such) in words: `a string or null`. */
function typeWords(...types: string[]): string {
  const words = types
    .flatMap((t) => t.split(","))
    .map((t) => ({ string: "a string", integer: "an integer", number: "a number", boolean: "true or false", object: "a mapping", array: "a list", null: "null" })[t] ?? t);
  return alternatives(words, false);
}

/** The value as YAML read it; `null` is "empty" only when nothing was written (`key:`), else it is `null` or `~`. */
function kindOf(v: unknown, written?: WrittenScalar): string {
  if (v === null && written !== undefined && written.text !== "") return "null";
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number") return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return String(v);
}
