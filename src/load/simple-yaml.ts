/**
 * A fast reader for the plain YAML that fleet files are written in: block mappings and block
 * sequences of one-line scalars (plain, single- or double-quoted), comments, `---` between
 * documents. It returns each document's value exactly as the `yaml` package's core schema
 * would, or `undefined` (declined) for anything else: flow collections, block scalars, anchors,
 * tags, directives, quoted keys, multi-line scalars, tabs, CRLF, duplicate or forbidden keys,
 * deep nesting, a syntax error. Empty documents are skipped, as the loader skips them on the
 * `yaml` path.
 *
 * Why it exists: a large fleet is thousands of ten-line files, and the `yaml` package spends
 * about 150 µs on each (most of a 1,000-cluster render) building a document with positions
 * that only an error message needs. A declined file goes through the `yaml` package as before,
 * and so does every position: the loader parses a file with `yaml` when an issue points into it
 * (see `source.ts`). That keeps one parser of record for what is valid and for every message;
 * this one only has to agree with it on what it accepts, which test/simple-yaml.test.ts checks
 * against the `yaml` package on generated and mutated documents.
 */
import { FORBIDDEN_KEYS } from "./limits.js";

/** Declined: the text is outside the subset (or invalid); the caller uses the `yaml` package. */
const DECLINE = Symbol("decline");
type Result<T> = T | typeof DECLINE;

interface Line {
  readonly indent: number;
  /** The line without its indentation; never blank, never a comment. */
  readonly text: string;
}

/** Characters this reader leaves to the `yaml` package: tabs, CR, controls, NEL, BOM, separators. */
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** A plain key of letters, digits and `_ . / -`: what Kubernetes names and labels are made of. */
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +|$)/;
/** Characters that start something other than a plain scalar (or a plain scalar this reader leaves alone). */
const NOT_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** `---`, alone or before a comment. */
const MARKER = /^---(?: +(?:#.*)?)?$/;
const COMMENT_ONLY = /^ +(?:#.*)?$/;

/** A document the fast reader read: its value, and its place among the `yaml` package's documents of the file. */
export interface SimpleDocument {
  readonly index: number;
  readonly value: unknown;
}

/**
 * The values of the file's non-empty documents, in order; `undefined` when the file is outside
 * the subset. `maxDepth` and `maxDocuments` decline what the `yaml` path would refuse as too deep
 * or too many, so that it reports them.
 */
export function readSimpleYaml(text: string, maxDepth: number, maxDocuments: number): unknown[] | undefined {
  return readSimpleDocuments(text, maxDepth, maxDocuments)?.map((d) => d.value);
}

/**
 * The same, with each document's index among the documents the `yaml` package finds in the
 * file, empty ones included: a document with nothing in it (a trailing `---`, two `---` in a
 * row, a `---` followed by comments only) is one the `yaml` package reads as an empty null
 * scalar, and the loader skips, as kubectl does (see `isEmptyDocument` in parse.ts).
 */
export function readSimpleDocuments(text: string, maxDepth: number, maxDocuments: number): SimpleDocument[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const documents: Line[][] = [[]];
  for (const raw of text.split("\n")) {
    const content = raw.trimStart();
    if (content === "" || content.startsWith("#")) continue;
    const indent = raw.length - content.length;
    if (indent === 0 && (raw.startsWith("---") || raw.startsWith("...") || raw.startsWith("%"))) {
      // `---` alone (or before a comment) separates documents; `--- value`, `...` and directives are left to `yaml`.
      if (!MARKER.test(raw)) return undefined;
      documents.push([]);
      if (documents.length > maxDocuments) return undefined;
      continue;
    }
    documents[documents.length - 1]!.push({ indent, text: content.trimEnd() });
  }
  const values: SimpleDocument[] = [];
  // Only comments (or nothing) before the first `---`: no document at all to the `yaml` package.
  const first = documents[0]!.length === 0 ? 1 : 0;
  for (let i = first; i < documents.length; i++) {
    const lines = documents[i]!;
    // After a `---`, nothing but comments: an empty document, skipped.
    if (lines.length === 0) continue;
    const reader = new Reader(lines, maxDepth);
    const value = reader.mapping(lines[0]!.indent, 1);
    // The root must be a mapping that takes every line.
    if (value === DECLINE || !reader.done()) return undefined;
    values.push({ index: i - first, value });
  }
  return values;
}

class Reader {
  private next = 0;
  /** A sequence item's first line, seen from the column its content starts at (`- a: 1` is read as `a: 1`). */
  private pending: Line | undefined;

  constructor(
    private readonly lines: readonly Line[],
    private readonly maxDepth: number,
  ) {}

  done(): boolean {
    return this.pending === undefined && this.next >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.pending ?? this.lines[this.next];
  }

  private take(): void {
    if (this.pending !== undefined) this.pending = undefined;
    else this.next++;
  }

  /** A block mapping whose keys sit at column `indent`. */
  mapping(indent: number, depth: number): Result<Record<string, unknown>> {
    if (depth > this.maxDepth) return DECLINE;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (let line = this.peek(); line !== undefined && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) return DECLINE;
      const m = KEY.exec(line.text);
      if (m === null) return DECLINE;
      const key = m[1]!;
      if (seen.has(key) || FORBIDDEN_KEYS.has(key) || typeof resolvePlain(key) !== "string") return DECLINE;
      seen.add(key);
      this.take();
      const rest = line.text.slice(m[0].length);
      let value: unknown;
      if (rest !== "" && !rest.startsWith("#")) {
        value = scalar(rest);
      } else {
        const child = this.peek();
        if (child !== undefined && child.indent > indent) value = isItem(child.text) ? this.sequence(child.indent, depth + 1) : this.mapping(child.indent, depth + 1);
        // A sequence may sit at its key's own column (`key:` then `- item`), as kubectl prints them.
        else if (child !== undefined && child.indent === indent && isItem(child.text)) value = this.sequence(indent, depth + 1);
        else value = null;
      }
      if (value === DECLINE) return DECLINE;
      out[key] = value;
    }
    return out;
  }

  /** A block sequence whose dashes sit at column `indent`. */
  private sequence(indent: number, depth: number): Result<unknown[]> {
    if (depth > this.maxDepth) return DECLINE;
    const out: unknown[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && isItem(line.text); line = this.peek()) {
      this.take();
      const content = line.text.slice(1).trimStart();
      // `-` alone (content on the next lines) and `- - a` are left to `yaml`.
      if (content === "" || content.startsWith("#") || isItem(content)) return DECLINE;
      const column = indent + line.text.length - content.length;
      let value: unknown;
      if (KEY.test(content)) {
        this.pending = { indent: column, text: content };
        value = this.mapping(column, depth + 1);
      } else {
        value = scalar(content);
        const after = this.peek();
        if (after !== undefined && after.indent > indent) return DECLINE;
      }
      if (value === DECLINE) return DECLINE;
      out.push(value);
    }
    const after = this.peek();
    if (after !== undefined && after.indent > indent) return DECLINE;
    return out;
  }
}

function isItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

/** A one-line scalar (or `[]`, `{}`) followed by nothing but a comment. */
function scalar(text: string): Result<unknown> {
  const first = text.charAt(0);
  if (first === '"' || first === "'") {
    const end = first === '"' ? doubleQuoteEnd(text) : singleQuoteEnd(text);
    if (end < 0 || !onlyComment(text.slice(end + 1))) return DECLINE;
    const body = text.slice(0, end + 1);
    if (first === "'") return body.slice(1, -1).replaceAll("''", "'");
    try {
      // JSON's escapes are a subset of YAML's, with the same meaning; anything else is declined.
      return JSON.parse(body) as string;
    } catch {
      return DECLINE;
    }
  }
  const hash = text.indexOf(" #");
  const plain = (hash < 0 ? text : text.slice(0, hash)).trimEnd();
  if (plain === "[]") return [];
  if (plain === "{}") return {};
  if (NOT_PLAIN_START.test(plain) || plain.includes(": ") || plain.endsWith(":")) return DECLINE;
  return resolvePlain(plain);
}

function onlyComment(rest: string): boolean {
  return rest === "" || COMMENT_ONLY.test(rest);
}

/** Index of the closing `"`, skipping escapes; -1 if none. */
function doubleQuoteEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** Index of the closing `'` (`''` is a quote inside); -1 if none. */
function singleQuoteEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== "'") continue;
    if (text[i + 1] === "'") i++;
    else return i;
  }
  return -1;
}

/**
 * A plain scalar as the YAML 1.2 core schema reads it, with the `yaml` package's tests and
 * conversions (yaml/dist/schema/core): null, booleans, integers (decimal, 0o, 0x), floats.
 */
export function resolvePlain(s: string): string | number | boolean | null {
  if (CORE.null.test(s)) return null;
  if (CORE.true.test(s)) return true;
  if (CORE.false.test(s)) return false;
  if (CORE.octal.test(s)) return parseInt(s.slice(2), 8);
  if (CORE.decimal.test(s)) return parseInt(s, 10);
  if (CORE.hex.test(s)) return parseInt(s.slice(2), 16);
  if (CORE.special.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s.startsWith("-") ? -Infinity : Infinity;
  if (CORE.exponent.test(s) || CORE.fraction.test(s)) return parseFloat(s);
  return s;
}

/** The core schema's tests, as the `yaml` package writes them (compiled once: a literal in a function is a new object per call). */
const CORE = {
  null: /^(?:~|[Nn]ull|NULL)?$/,
  true: /^(?:[Tt]rue|TRUE)$/,
  false: /^(?:[Ff]alse|FALSE)$/,
  octal: /^0o[0-7]+$/,
  decimal: /^[-+]?[0-9]+$/,
  hex: /^0x[0-9a-fA-F]+$/,
  special: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  exponent: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  fraction: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
};
