import { isScalar, parseAllDocuments, parseDocument } from "yaml";
import { HEADER_PREFIX } from "../emit/emit.js";
import { toYaml } from "../emit/yaml.js";

/**
 * The objects in one file of an output tree, for `diff`: who they are and their text. Most files
 * are paodin-fleet's own (one object, block style, as `emit/yaml.ts` writes it), and only the
 * files whose bytes changed are read at all; for those, a line scanner finds the identity
 * without a YAML parser. Anything it is not sure of (several documents, flow or quoted
 * metadata, anchors, tags, numbers where names go) goes through the `yaml` package, which stays
 * the reader of record: on what the scanner accepts, the two agree (test/diff-objects.test.ts).
 * The scanner does not check the rest of the file: a foreign file that is not valid YAML deeper
 * down is still listed under the name its metadata gives, which a review may as well show.
 */

export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface FileObject {
  readonly id: ObjectId;
  /** The object's text as the file has it, without paodin-fleet's header line. */
  readonly text: string;
  /** The same with secret values replaced by `<hidden>` (the text itself for other kinds). */
  readonly shown: string;
}

/** Kinds whose data is secret (a sealed value is ciphertext, but no reviewer needs to read it either). */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Secret: ["data", "stringData", "sops"],
  SealedSecret: ["spec.encryptedData"],
};

/** The API group of an apiVersion: `monitoring.paodin.io` of `monitoring.paodin.io/v1alpha1`, `""` for the core `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** kustomize's own build files (a Kustomization, a Component): not Kubernetes objects, but what the overlay applies. */
export function isKustomizeFile(id: ObjectId): boolean {
  return isKustomizeGroup(id.apiVersion);
}

const isKustomizeGroup = (apiVersion: string): boolean => groupOf(apiVersion) === "kustomize.config.k8s.io";

/** Every object in `content` (a file at `file`, relative to its overlay); files that hold none yield nothing. */
export function objectsOf(file: string, content: string): FileObject[] {
  const fast = scanSingleObject(content);
  if (fast !== undefined) return fast === null ? [] : [withShown(fast, content, file)];
  return parsedObjects(file, content);
}

function withShown(id: ObjectId, content: string, file: string): FileObject {
  const named = isKustomizeFile(id) ? { ...id, name: file } : id;
  const text = withoutHeader(content);
  const secret = SECRET_FIELDS[id.kind];
  if (secret === undefined) return { id: named, text, shown: text };
  // Secrets are rare: read them whole to hide their values. What the scanner takes is a mapping.
  const doc = parseDocument(content, { uniqueKeys: false });
  if (doc.errors.length > 0) return { id: named, text, shown: "<hidden: not valid YAML>\n" };
  try {
    return { id: named, text, shown: redact(doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>, secret) };
  } catch {
    // An alias deeper down (the scanner does not look there): not expanded, as elsewhere in diff.
    return { id: named, text, shown: "<hidden: YAML aliases not expanded>\n" };
  }
}

/** The `yaml` package's reading: every document that is an object (or a kustomization file). */
function parsedObjects(file: string, content: string): FileObject[] {
  // An empty stream is an empty array too. A key twice is read as its last value, as Go's YAML readers do.
  const docs = parseAllDocuments(content, { uniqueKeys: false });
  // An empty document (`---` alone, or a comment) is a null scalar to the package: no object, and
  // not counted, so that an object with a stray `---` is one document as the scanner takes it.
  const nonEmpty = docs.filter((d) => !(isScalar(d.contents) && d.contents.value === null));
  const out: FileObject[] = [];
  for (const doc of nonEmpty) {
    if (doc.errors.length > 0) continue;
    // Not null: the filter took every null scalar, and no other node reads as null.
    let o: Record<string, unknown>;
    try {
      o = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
    } catch {
      continue; // an alias: never in a rendered file, and not worth expanding for a review
    }
    const id = idOf(o);
    if (id === undefined) continue;
    // One document: the whole file (as the scanner takes it), so that either reading gives the same text.
    // Of several, the document without the `---` line that starts it: the same object, wherever it stands.
    const own = nonEmpty.length === 1 ? content : withoutMarker(content.slice(doc.range[0], doc.range[2]));
    const text = withoutHeader(own);
    const named = isKustomizeFile(id) ? { ...id, name: file } : id;
    const secret = SECRET_FIELDS[id.kind];
    out.push({ id: named, text, shown: secret !== undefined ? redact(o, secret) : text });
  }
  return out;
}

/** A document without its `---` line, when that line holds nothing else. */
function withoutMarker(text: string): string {
  return text.startsWith("---\n") ? text.slice(4) : text;
}

/** A document's identity; a kustomize file's name is its path, given by the caller. (A scalar's fields read as undefined.) */
function idOf(o: Record<string, unknown>): ObjectId | undefined {
  if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return undefined;
  if (isKustomizeGroup(o.apiVersion)) return { apiVersion: o.apiVersion, kind: o.kind, name: "" };
  const meta = o.metadata as Record<string, unknown> | null | undefined;
  if (meta === null || meta === undefined || typeof meta.name !== "string") return undefined;
  return { apiVersion: o.apiVersion, kind: o.kind, name: meta.name, ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}) };
}

/** The text without its lines that start with paodin-fleet's header (in a rendered file, the first line). */
export function withoutHeader(text: string): string {
  let at = text.indexOf(HEADER_PREFIX);
  let out = "";
  let last = 0;
  while (at >= 0) {
    if (at === 0 || text.charCodeAt(at - 1) === 0x0a) {
      const nl = text.indexOf("\n", at);
      out += text.slice(last, at);
      // The line and its newline go; a header on the last line takes the newline before it
      // (what came before it ends with one, or is empty).
      last = nl < 0 ? text.length : nl + 1;
      if (nl < 0) out = out.slice(0, -1);
      at = text.indexOf(HEADER_PREFIX, last);
    } else at = text.indexOf(HEADER_PREFIX, at + 1);
  }
  return out + text.slice(last);
}

/** The object with every secret value replaced, re-serialised. Comments (a SOPS file's) go with the values: they could quote them. */
function redact(o: Record<string, unknown>, fields: readonly string[]): string {
  const copy = structuredClone(o);
  for (const field of fields) {
    const parts = field.split(".");
    let cur: unknown = copy;
    for (const p of parts.slice(0, -1)) cur = (cur as Record<string, unknown> | undefined)?.[p];
    const holder = cur as Record<string, unknown> | undefined;
    const values = holder?.[parts.at(-1)!];
    if (values !== null && typeof values === "object") {
      for (const k of Object.keys(values)) (values as Record<string, unknown>)[k] = "<hidden>";
    } else if (values !== undefined) holder![parts.at(-1)!] = "<hidden>"; // a value has a holder
  }
  return toYaml(copy);
}

/**
 * Does the object stay in the cluster when it leaves the rendering? Objects the fleet only
 * patches are annotated so that neither engine prunes or deletes them: Flux
 * `kustomize.toolkit.fluxcd.io/prune: disabled`, Argo CD `Prune=false` in its sync options.
 */
export function staysInCluster(text: string): boolean {
  if (!text.includes("kustomize.toolkit.fluxcd.io/prune") && !text.includes("Prune=false")) return false;
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return false;
  let o: unknown;
  try {
    o = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return false;
  }
  // A scalar where a mapping goes reads its fields as undefined.
  const annotations = ((o as { metadata?: { annotations?: unknown } } | null)?.metadata?.annotations ?? {}) as Record<string, unknown>;
  const flux = annotations["kustomize.toolkit.fluxcd.io/prune"];
  const argo = annotations["argocd.argoproj.io/sync-options"];
  return (
    (typeof flux === "string" && flux.toLowerCase() === "disabled") ||
    (typeof argo === "string" && argo.split(",").some((o) => o.trim() === "Prune=false"))
  );
}

// --- The scanner ---------------------------------------------------------------------------

/** A top-level or metadata key line: `key:` or `key: value`, nothing else. */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.\/-]*):(?: (.*))?$/;
/** A plain scalar the `yaml` package reads as exactly this string. */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
/** …unless it looks like a number, a boolean or null (read as such in YAML 1.2's core schema; a sign is not `PLAIN`). */
const NOT_A_STRING = /^(?:[0-9][0-9a-fA-FxXoO._eE+-]*|true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** A quoted scalar that ends on its line. */
const QUOTED = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')$/;

/**
 * The identity of a file that holds exactly one object in plain block style; `null` when it is
 * plainly not an object (no apiVersion or kind), `undefined` when unsure (the parser decides).
 */
export function scanSingleObject(content: string): ObjectId | null | undefined {
  // Tabs, CRs, controls, a BOM, odd line breaks need no test of their own: no line the scanner
  // takes can hold one (`KEY_LINE`, `PLAIN` and the quoted forms exclude them, or the `yaml`
  // package reads them inside a quoted scalar as the scanner does), and in the lines it skips
  // (comments, lines deeper than the identity) the `yaml` package reads them as the same text.
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  let top = "";
  /** The last top-level key, or key under metadata, has no value on its line (a list or mapping follows). */
  let topEmpty = false;
  let metaEmpty = false;
  let sawMetadata = false;
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf("\n", start);
    if (end < 0) end = content.length;
    const c = content.charCodeAt(start);
    // The document itself indented: the parser's business.
    if (c === 0x20 && top === "" && content.slice(start, end).trim() !== "" && !content.slice(start, end).trimStart().startsWith("#")) return undefined;
    // Lines deeper than the identity, blank lines and comments: skipped without being cut out.
    if (end === start || c === 0x23 /* # */ || (c === 0x20 && (top !== "metadata" || content.charCodeAt(start + 2) === 0x20))) {
      start = end + 1;
      continue;
    }
    const line = content.slice(start, end);
    start = end + 1;
    if (c !== 0x20 /* space */) {
      // A top-level line: a key, and nothing that starts another document or a directive.
      if (line.startsWith("- ") || line === "-") {
        // An item of a list flush with its key (as the emitter writes lists): nothing the identity is made of.
        // (`topEmpty` is false before the first key.)
        if (top === "metadata" || !topEmpty) return undefined;
        continue;
      }
      const m = KEY_LINE.exec(line);
      if (m === null) return undefined;
      const key = m[1]!;
      const value = m[2];
      if (key === "apiVersion" || key === "kind") {
        if ((key === "apiVersion" ? apiVersion : kind) !== undefined) return undefined;
        const s = scalar(value);
        if (s === undefined) return undefined;
        if (key === "apiVersion") apiVersion = s;
        else kind = s;
      } else if (key === "metadata") {
        if (sawMetadata || (value !== undefined && value.trim() !== "")) return undefined;
        sawMetadata = true;
      } else if (value !== undefined && (/^[&*!|>]/.test(value) || (/^["']/.test(value) && !QUOTED.test(value)))) {
        return undefined; // an anchor, alias, tag, block or multi-line scalar at the top: the parser's business
      }
      top = key;
      topEmpty = value === undefined || value.trim() === "";
      continue;
    }
    // A line right under metadata, two spaces in (deeper ones were skipped above).
    if (line.charCodeAt(1) !== 0x20) return undefined;
    const rest = line.slice(2);
    if (rest.startsWith("- ") || rest === "-") {
      if (!metaEmpty) return undefined;
      continue;
    }
    const m = KEY_LINE.exec(rest);
    if (m === null) {
      if (rest.startsWith("#")) continue;
      return undefined;
    }
    metaEmpty = m[2] === undefined || m[2].trim() === "";
    if (m[1] === "name" || m[1] === "namespace") {
      const s = scalar(m[2]);
      if (s === undefined || (m[1] === "name" ? name : namespace) !== undefined) return undefined;
      if (m[1] === "name") name = s;
      else namespace = s;
    } else if (m[2] !== undefined && /^[&*!]/.test(m[2])) return undefined;
    // A quoted value that goes on to the next line needs no test here: a next line this shallow
    // is an error to YAML, and deeper ones are skipped.
  }
  if (apiVersion === undefined || kind === undefined) return null;
  if (isKustomizeGroup(apiVersion)) return { apiVersion, kind, name: "" };
  if (name === undefined) return sawMetadata ? undefined : null;
  return { apiVersion, kind, name, ...(namespace !== undefined ? { namespace } : {}) };
}

/** A one-line scalar the scanner is sure of: plain, or quoted without escapes (no value: none). */
function scalar(value = ""): string | undefined {
  if (PLAIN.test(value)) return NOT_A_STRING.test(value) ? undefined : value;
  const q = /^"([^"\\]*)"$/.exec(value) ?? /^'([^']*)'$/.exec(value);
  return q !== null ? q[1] : undefined;
}
