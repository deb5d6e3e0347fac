import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from "yaml";
import type { DocPath, Issue, IssueCode, Severity } from "../diagnostics/issue.js";

/**
 * One YAML document of a fleet file, with what it takes to point back into its text. `doc` and
 * `lineCounter` may be computed on first use (see `lazySourceDoc`): read them only to place an issue.
 */
export interface SourceDoc {
  /** The file as the user sees it: relative to the working directory, `/`-separated. */
  readonly file: string;
  /** Absolute path of the file, for resolving paths written inside it. */
  readonly absPath: string;
  /** The document's place among its file's documents: orders documents without parsing positions. */
  readonly index: number;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain data (null-prototype free, alias-expanded within limits). */
  readonly value: unknown;
}

/** A file's documents with positions, as the `yaml` package parses them. */
export interface ParsedFile {
  readonly docs: readonly Document.Parsed[];
  readonly lineCounter: LineCounter;
}

/**
 * A document whose value was read without positions: `doc` and `lineCounter` come from
 * `parse()`, called once per file on first use. `index` counts the file's non-empty documents.
 */
export function lazySourceDoc(file: string, absPath: string, index: number, value: unknown, parse: () => ParsedFile): SourceDoc {
  return new LazySourceDoc(file, absPath, index, value, parse);
}

class LazySourceDoc implements SourceDoc {
  constructor(
    readonly file: string,
    readonly absPath: string,
    readonly index: number,
    readonly value: unknown,
    private readonly parse: () => ParsedFile,
  ) {}

  get doc(): Document.Parsed {
    const doc = this.parse().docs.filter((d) => d.contents !== null)[this.index];
    if (doc === undefined) throw new Error(`${this.file}: the YAML parser found no document ${this.index + 1} where the fast reader did`);
    return doc;
  }

  get lineCounter(): LineCounter {
    return this.parse().lineCounter;
  }
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * The node at `path`, or the deepest ancestor that exists. `key: true` points at the
 * key of the last segment (for "unknown field" errors) rather than its value.
 */
export function nodeAt(doc: Document.Parsed, path: DocPath, key = false): Node | null {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(seg));
      if (pair === undefined) return node;
      if (last && key) return pair.key as Node;
      if (pair.value === null) return pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return node;
      node = item;
    } else {
      break;
    }
  }
  return (node as Node | null) ?? null;
}

/** Does the document have a node at exactly this path? */
export function hasNode(doc: Document.Parsed, path: DocPath): boolean {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(seg));
      if (pair === undefined) return false;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      if (seg >= node.items.length) return false;
      node = node.items[seg];
    } else return false;
  }
  return true;
}

/**
 * Does the document's value have something (null included) at exactly this path? What
 * `hasNode` answers, from the plain data alone: no positions, so nothing is parsed.
 */
export function hasValue(value: unknown, path: DocPath): boolean {
  let cur: unknown = value;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (typeof seg !== "number" || seg >= cur.length) return false;
      cur = cur[seg];
    } else if (cur !== null && typeof cur === "object") {
      if (!Object.prototype.hasOwnProperty.call(cur, String(seg))) return false;
      cur = (cur as Record<string, unknown>)[String(seg)];
    } else return false;
  }
  return true;
}

export function positionOf(src: SourceDoc, path: DocPath, key = false): Position {
  const node = nodeAt(src.doc, path, key);
  const offset = node?.range?.[0] ?? src.doc.range[0];
  const pos = src.lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/** An issue anchored at `path` in `src`. */
export function issueAt(
  src: SourceDoc,
  path: DocPath,
  code: IssueCode,
  message: string,
  options: { severity?: Severity; key?: boolean } = {},
): Issue {
  const { line, col } = positionOf(src, path, options.key ?? false);
  return { code, severity: options.severity ?? "error", message, file: src.file, line, col, path };
}
