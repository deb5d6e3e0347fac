/**
 * The one place that turns data into YAML text, so every rendered byte follows the same
 * rules: keys sorted (apiVersion, kind, metadata first at the top), two-space indentation,
 * lists flush with their key (as kubectl prints them), no line folding, multi-line strings
 * as literal blocks, and every string that a reader could take for something else quoted.
 *
 * The readers that matter are Go's: kubectl and Argo CD read YAML through sigs.k8s.io/yaml
 * over gopkg.in/yaml.v2 (YAML 1.1 words: `yes`, `on`, `y`), kustomize through
 * gopkg.in/yaml.v3. The rules below follow their resolve.go (what a plain scalar means),
 * readerc.go (which characters may appear raw at all) and scannerc.go (escapes, the 1,024
 * character limit of implicit keys); the `yaml` package, in YAML 1.1 and 1.2, must read the
 * output back too. test/go-yaml.test.ts checks both Go readers, test/yaml.test.ts the
 * `yaml` package.
 *
 * A small emitter of our own rather than the `yaml` package's stringify: a large fleet
 * renders tens of thousands of objects, and this is an order of magnitude faster. It only
 * handles what a renderer produces (plain data).
 *
 * Every byte paodin-fleet writes as YAML or JSON text comes from this module: rendered objects
 * (toYaml), the files held inside them (thanos.yaml with External Secrets expressions,
 * toYamlWithExpressions; a kubesphere.yaml base edited in place, editedYaml) and the JSON
 * Schema files (toJsonText). It imports nothing of ours but the sort order (src/order.ts), so any
 * stage may use it.
 */
import { isScalar, type Document } from "yaml";
import { byCodeUnits } from "../order.js";

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
  } else {
    // Indented even at the top: Go's scanner gives a block scalar at least one space of
    // indentation (scannerc.go), so one at column 0 would be empty and its text an error.
    out.push(scalar(value, deeper("")), "\n");
  }
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
    const key = scalarString(k, true);
    // Go's scanners (scannerc.go, stale simple keys) refuse an implicit key whose `:` comes
    // more than 1,024 characters after its start: write a long key as an explicit one.
    if (key.length > MAX_IMPLICIT_KEY) out.push(i === 0 ? first : indent, "? ", key, "\n", indent);
    else out.push(i === 0 ? first : indent, key);
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

/** Go counts characters (code points) up to the `:`; a key's UTF-16 length is never fewer, so comparing it errs on the safe side. */
const MAX_IMPLICIT_KEY = 1024;

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

/**
 * Words read as null, a boolean or a merge key: yaml.v2's resolve table (y, yes, on, off, n,
 * no in their three spellings, `<<`), YAML 1.2's core schema, and `=` (YAML 1.1's value key).
 */
const RESERVED = new Set(
  ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "="].flatMap((w) => [w, w.toUpperCase(), w.charAt(0).toUpperCase() + w.slice(1)]),
);
/**
 * What the `yaml` package reads as a number, in YAML 1.2 or 1.1: `_` in digits, sexagesimal
 * (1:30, 1:30.5), "." and "1." and exponents without digits before them (e5), .inf and .nan.
 */
const YAML_JS_NUMBER =
  /^(?:[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?|0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN))$/;
/**
 * What yaml.v2 and yaml.v3 read as a number once every `_` is removed (resolve.go strips them
 * all before strconv.ParseInt with base 0, ParseUint and ParseFloat): base prefixes in either
 * case (0X1F, 0B11, 0O17), octal 0755, floats as `.5` or `1.`, and the `0b`/`0o` fallbacks that
 * accept a sign after the prefix (0b-1). A little wider than Go, never narrower.
 */
const GO_NUMBER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bBoO][-+]?[0-9]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)$/;
/** Timestamps (YAML 1.1, and Go's parseTimestamp: YYYY-M-D first), as a prefix: the day's first digit is enough. */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]/;
/** `---` and `...` then a blank or the end: at column 0 (a top-level key) they mark documents. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
/**
 * Characters a plain or literal-block scalar may not hold raw. Go's reader (readerc.go) refuses
 * C0 controls but tab, LF and CR, U+007F–U+009F but U+0085, U+FFFE and U+FFFF ("control
 * characters are not allowed"); U+0085, U+2028 and U+2029 are line breaks in YAML 1.1, hence
 * to yaml.v2/v3; U+FEFF is a byte order mark. Surrogates: lone ones cannot be written at all
 * (doubleQuoted refuses them), pairs are simply quoted.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
/**
 * What keeps a string from being plain, in one pass: an indicator first (or `-?:` then a blank
 * or the end), a blank at either end, a line break or tab, `: ` or ` #` (a value, a comment),
 * a final `:`, or a character of UNPRINTABLE.
 */
const NOT_PLAIN = new RegExp(String.raw`^[\[\]{},#&*!|>'"%@\x60]|^[-?:](?:\s|$)|^\s|\s$|[\n\r\t]|: | #|:$|${UNPRINTABLE.source}`);

/**
 * Names, paths, URLs and images (`member-1`, `overlays/member-1`, `https://10.0.1.10:6443`,
 * `repo/name@sha256:…`): a letter first, and no character that could end or change a plain
 * scalar. Such a string is plain unless it is a reserved word, or an exponent (`e5`) that the
 * checks below would catch. To Go a letter first means a word of the resolve table or a string.
 */
const NAME_LIKE = /^[A-Za-z][A-Za-z0-9._/:@-]*$/;

/** Whether a string starting with `c` (a UTF-16 unit) can be read as a number: sign, digit, `.`, `e`. */
function numberStart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 69 || c === 101;
}

function plainOk(s: string, key: boolean): boolean {
  // Most strings of a large fleet are unique (one per cluster): the common shape is judged quickly.
  if (NAME_LIKE.test(s) && !s.endsWith(":") && s[0] !== "e" && s[0] !== "E") return !RESERVED.has(s);
  if (RESERVED.has(s)) return false;
  if (numberStart(s.charCodeAt(0))) {
    if (YAML_JS_NUMBER.test(s) || GO_NUMBER.test(s.includes("_") ? s.replaceAll("_", "") : s) || TIMESTAMP.test(s) || DOCUMENT_MARKER.test(s)) return false;
  }
  if (NOT_PLAIN.test(s)) return false;
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

/** What JSON.stringify leaves raw and YAML may not hold raw, even in double quotes (see UNPRINTABLE). */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;
const RAW_IN_JSON_ALL = new RegExp(RAW_IN_JSON.source, "g");
const SURROGATE = /[\ud800-\udfff]/;
/** With the `u` flag a well-formed pair is one code point, so only a lone surrogate is in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * JSON's escapes are YAML's too (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`; yaml.v2 has
 * no `\/`, which JSON.stringify never writes); the characters above are escaped as `\uXXXX` as
 * well, which both Go readers and the `yaml` package decode.
 */
function doubleQuoted(s: string): string {
  if (SURROGATE.test(s)) {
    // Go's scanner refuses `\uD800`-style escapes, and UTF-8 has no form for a lone surrogate.
    const at = s.search(LONE_SURROGATE);
    if (at >= 0) {
      const unit = s.charCodeAt(at).toString(16).toUpperCase();
      throw new Error(`cannot write a string with a lone surrogate (U+${unit} at index ${at}) as YAML: ${JSON.stringify(s.slice(0, 60))}`);
    }
  }
  const json = JSON.stringify(s);
  return RAW_IN_JSON.test(json) ? json.replace(RAW_IN_JSON_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}

/**
 * A literal block keeps text as it is, as long as it has no characters YAML cannot show there,
 * no line break but LF, no first line starting with a blank (that would need an indentation
 * indicator) and no blank at a line's end (editors strip those, silently changing the text).
 */
function blockable(s: string): boolean {
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

/**
 * `value` as YAML, where each string of `expressions` is an External Secrets template
 * expression: the value holds a placeholder (placeholderOf(i)), written instead as the raw
 * expression `{{ index . "<name>" | toJson }}`. `toJson` quotes the fetched value when the
 * operator renders the template, so a value with `:` or quotes in it still yields valid YAML.
 */
export function toYamlWithExpressions(value: unknown, expressions: readonly string[]): string {
  let text = toYaml(value);
  expressions.forEach((name, i) => {
    // The name as a Go string literal: JSON's escapes are Go's too.
    text = text.replace(placeholderOf(i), `{{ index . ${JSON.stringify(name)} | toJson }}`);
  });
  return text;
}

/** The plain scalar that toYamlWithExpressions replaces with its `i`th expression. */
export function placeholderOf(i: number): string {
  return `__paodin_fleet_credential_${i}__`;
}

/**
 * A YAML document read from the fleet (a kubesphere.yaml base) with `value` set at `path`, as
 * text: the document's own comments, order and quoting kept, the rest as the `yaml` package
 * prints it, without folding long lines. The document itself is left as it was.
 */
export function editedYaml(doc: Document, path: readonly string[], value: string): string {
  const copy = doc.clone();
  // `monitoring:` with nothing under it yet is a null scalar, where setIn wants a collection.
  for (let i = 1; i < path.length; i++) {
    const node = copy.getIn(path.slice(0, i), true);
    if (isScalar(node) && node.value === null) copy.setIn(path.slice(0, i), copy.createNode({}));
  }
  copy.setIn(path, value);
  return copy.toString({ lineWidth: 0 });
}

/** A JSON file: `value` with two-space indentation and a final newline, keys in the order given. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
