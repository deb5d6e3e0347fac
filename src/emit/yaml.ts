/**
 * The one place that turns data into YAML text, so every rendered byte follows the same
 * rules: keys sorted (apiVersion, kind, metadata first at the top), two-space indentation,
 * lists flush with their key (as kubectl prints them), no line folding, multi-line strings
 * as literal blocks, and every string that a YAML 1.1 reader (go-yaml v2, behind kubectl)
 * or a YAML 1.2 reader could take for something else quoted.
 *
 * A small emitter of our own rather than the `yaml` package's stringify: a large fleet
 * renders tens of thousands of objects, and this is an order of magnitude faster. It only
 * handles what a renderer produces (plain data); the `yaml` package reads every output back
 * in the tests, in both YAML versions.
 */

const TOP_KEYS = ["apiVersion", "kind", "metadata"];

/** `value` as YAML, after `prefix` (a comment line, say). */
export function toYaml(value: unknown, prefix = ""): string {
  // Pieces gathered in one array and joined once: one flat string per file, rather than a
  // tree of concatenations that writing and scanning would have to flatten again.
  const out: string[] = [prefix];
  if (isMapping(value)) {
    const keys = sortedKeys(value, true);
    if (keys.length === 0) out.push("{}\n");
    else mapping(value, keys, "", "", out);
  } else if (Array.isArray(value)) {
    if (value.length === 0) out.push("[]\n");
    else sequence(value, "", "", out);
  } else out.push(scalar(value, ""), "\n");
  return out.join("");
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The keys to write, in order: by UTF-16 code units (as `<` compares), the same on every machine. */
function sortedKeys(o: Record<string, unknown>, top: boolean): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(o)) if (o[k] !== undefined) keys.push(k);
  const before = top ? byRank : byCodeUnits;
  // Mappings are small, and there are tens of thousands of them in a large fleet: an insertion
  // sort in place allocates nothing, where Array.prototype.sort copies the array first.
  if (keys.length > 16) return keys.sort(before);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && before(k, keys[j]!) < 0; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** apiVersion, kind and metadata first, as kubectl prints objects. */
function byRank(a: string, b: string): number {
  return rank(a) - rank(b) || byCodeUnits(a, b);
}

function rank(key: string): number {
  const i = TOP_KEYS.indexOf(key);
  return i < 0 ? TOP_KEYS.length : i;
}

const indents: string[] = [];

/** The indentation one level in from `indent` (the same few strings, made once). */
function deeper(indent: string): string {
  return (indents[indent.length] ??= `${indent}  `);
}

/**
 * A block mapping at `indent`, each line ending with "\n"; its first line starts with `first`
 * instead (`- ` when it is a sequence item, of the same width).
 */
function mapping(o: Record<string, unknown>, keys: readonly string[], indent: string, first: string, out: string[]): void {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    out.push(i === 0 ? first : indent, scalarString(k, true));
    if (isMapping(v)) {
      const ks = sortedKeys(v, false);
      if (ks.length === 0) out.push(": {}\n");
      else {
        out.push(":\n");
        mapping(v, ks, deeper(indent), deeper(indent), out);
      }
    } else if (Array.isArray(v)) {
      if (v.length === 0) out.push(": []\n");
      else {
        out.push(":\n");
        sequence(v, indent, indent, out);
      }
    } else {
      out.push(": ", scalar(v, deeper(indent)), "\n");
    }
  }
}

/** A block sequence whose dashes sit at `indent` (flush with the parent key); the first line starts with `first`. */
function sequence(items: readonly unknown[], indent: string, first: string, out: string[]): void {
  const inner = deeper(indent);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const dash = `${i === 0 ? first : indent}- `;
    if (isMapping(item)) {
      const ks = sortedKeys(item, false);
      if (ks.length === 0) out.push(dash, "{}\n");
      else mapping(item, ks, inner, dash, out);
    } else if (Array.isArray(item)) {
      if (item.length === 0) out.push(dash, "[]\n");
      else sequence(item, inner, dash, out);
    } else {
      out.push(dash, scalar(item, inner), "\n");
    }
  }
}

function scalar(v: unknown, indent: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === "string") return v.includes("\n") && blockable(v) ? literalBlock(v, indent) : scalarString(v, false);
  throw new Error(`cannot write a ${typeof v} as YAML`);
}

/** Words YAML 1.1 or 1.2 reads as null or a boolean. */
const RESERVED = new Set(
  ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "="].flatMap((w) => [w, w.toUpperCase(), w.charAt(0).toUpperCase() + w.slice(1)]),
);
/** What YAML 1.2's core schema or YAML 1.1 (the `yaml` package's and go-yaml's) reads as a number. */
const NUMBERS = [
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*$/, // decimal, octal 0..., sexagesimal 1:30, with `_`
  /^[-+]?0b[01_]+$/,
  /^[-+]?0o[0-7_]+$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/, // 1.5, .5, 1., and "." itself in YAML 1.1
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*\.[0-9_]*$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/, // exponents, even "e0" in the `yaml` package's YAML 1.1
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
];
/** Timestamps (YAML 1.1). */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** Characters that may not start a plain scalar, or may only when followed by a non-space. */
const INDICATOR_START = /^[\[\]{},#&*!|>'"%@`]|^[-?:](?:\s|$)/;
const EDGE_SPACE = /^\s|\s$/;
/** Printable text a plain or literal-block scalar may hold. */
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;

/**
 * Names, paths and URLs (`member-1`, `overlays/member-1`, `https://10.0.1.10:6443`): a letter
 * first, and no character that could end or change a plain scalar. Such a string is plain
 * unless it is a reserved word, or an exponent (`e5`) that the checks below would catch.
 */
const NAME_LIKE = /^[A-Za-z][A-Za-z0-9._/:-]*$/;

function plainOk(s: string, key: boolean): boolean {
  // Most strings of a large fleet are unique (one per cluster): the common shape is judged quickly.
  if (NAME_LIKE.test(s) && !s.endsWith(":") && s[0] !== "e" && s[0] !== "E") return !RESERVED.has(s);
  if (RESERVED.has(s) || TIMESTAMP.test(s) || NUMBERS.some((re) => re.test(s))) return false;
  if (INDICATOR_START.test(s) || EDGE_SPACE.test(s) || s.includes("\n") || s.includes("\r") || s.includes("\t")) return false;
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":") || UNPRINTABLE.test(s)) return false;
  // In a flow context `,[]{}` would end the scalar; keys never sit in one here, values neither.
  return !key || s.charAt(0) !== "?";
}

/** Strings repeat across objects (keys above all): each is judged once per process. */
const judged = [new Map<string, string>(), new Map<string, string>()] as const;

function scalarString(s: string, key: boolean): string {
  const cache = judged[key ? 1 : 0];
  let out = cache.get(s);
  if (out === undefined) {
    out = plainOk(s, key) ? s : doubleQuoted(s);
    if (cache.size < 100_000) cache.set(s, out);
  }
  return out;
}

/** JSON's escapes are YAML's too; the line and paragraph separators are escaped as well. */
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029").replace(/\u0085/g, "\\u0085");
}

/** A literal block keeps text as it is, as long as it has no characters YAML cannot show there. */
function blockable(s: string): boolean {
  // A first line that starts with a space would need an indentation indicator; keep it simple and quote.
  return !UNPRINTABLE.test(s) && !s.includes("\r") && !/^[ \t\n]/.test(s) && !/[ \t]\n|[ \t]$/.test(s);
}

function literalBlock(s: string, indent: string): string {
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  // The caller ends the scalar with a line break: that is the text's last one.
  const body = trailing === 0 ? s : s.slice(0, -1);
  const lines = body.split("\n").map((l) => (l === "" ? "" : indent + l));
  return `|${chomp}\n${lines.join("\n")}`;
}
