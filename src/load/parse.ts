import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Scalar, type YAMLMap } from "yaml";
import type { Issue } from "../diagnostics/issue.js";
import { FORBIDDEN_KEYS, LIMITS } from "./limits.js";
import { readSimpleDocuments } from "./simple-yaml.js";
import { issueAt, lazySourceDoc, type ParsedFile, type SourceDoc } from "./source.js";

export interface TextFile {
  readonly file: string;
  readonly absPath: string;
  readonly text: string;
}

/**
 * Bytes → text, refusing what is not UTF-8 text (a NUL byte or an invalid sequence).
 * Pure: the caller did the reading.
 */
export function decodeText(file: string, bytes: Uint8Array): { text: string } | { issue: Issue } {
  if (bytes.length > LIMITS.fileBytes) {
    return { issue: { code: "file-too-large", severity: "error", file, message: `is ${bytes.length} bytes, more than the limit of ${LIMITS.fileBytes}` } };
  }
  if (bytes.includes(0)) {
    return { issue: { code: "file-not-text", severity: "error", file, message: "is not a text file (it contains NUL bytes)" } };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    return { issue: { code: "file-not-text", severity: "error", file, message: "is not UTF-8 text" } };
  }
}

/**
 * Text → documents. Every problem in the file is reported, not just the first. Files in the
 * plain subset of YAML that fleets are written in are read by the fast reader, their positions
 * parsed only if an issue points into them; everything else goes through the `yaml` package.
 */
export function parseFleetText(input: TextFile): { docs: SourceDoc[]; issues: Issue[] } {
  const values = readSimpleDocuments(input.text, LIMITS.depth, LIMITS.documentsPerFile);
  if (values !== undefined && values.length > 0) {
    let parsed: ParsedFile | undefined;
    const parse = (): ParsedFile => (parsed ??= parseWithPositions(input.text));
    return { docs: values.map(({ index, value }) => lazySourceDoc(input.file, input.absPath, index, value, parse)), issues: [] };
  }
  return parseWithYaml(input);
}

function parseWithPositions(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkShape in linear time; the parser's own check compares
  // every pair of keys of a mapping, which a hostile file with a huge mapping turns into hours.
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  return { docs: [...docs], lineCounter };
}

function parseWithYaml(input: TextFile): { docs: SourceDoc[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const { docs: all, lineCounter } = parseWithPositions(input.text);
  if (all.length > LIMITS.documentsPerFile) {
    issues.push({ code: "yaml-too-many-documents", severity: "error", file: input.file, line: 1, col: 1, message: `has ${all.length} YAML documents, more than the limit of ${LIMITS.documentsPerFile}` });
    return { docs: [], issues };
  }
  const docs: SourceDoc[] = [];
  for (const [index, doc] of all.entries()) {
    // The first error only: the ones after it are most often the same mistake seen again.
    const yamlIssues = [...doc.errors, ...doc.warnings].slice(0, 1).map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        code: "yaml-syntax" as const,
        severity: "error" as const,
        file: input.file,
        line: pos.line,
        col: pos.col,
        message: `YAML: ${firstLine(e.message)}`,
      };
    });
    if (yamlIssues.length > 0) {
      issues.push(...yamlIssues);
      continue;
    }
    // `---` with nothing after it (a trailing one, two in a row): harmless, kubectl skips it too.
    if (isEmptyDocument(doc)) continue;
    const src0: Omit<SourceDoc, "value"> = { file: input.file, absPath: input.absPath, index, doc, lineCounter };
    const shapeIssues = checkShape({ ...src0, value: undefined });
    if (shapeIssues.length > 0) {
      issues.push(...shapeIssues);
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: LIMITS.aliasesPerDocument });
    } catch (e) {
      issues.push(issueAt({ ...src0, value: undefined }, [], "yaml-aliases", `YAML aliases expand to too much data (limit ${LIMITS.aliasesPerDocument} expansions per document): ${firstLine(String((e as Error).message))}`));
      continue;
    }
    docs.push({ ...src0, value });
  }
  if (docs.length === 0 && issues.length === 0) {
    issues.push({ code: "file-empty", severity: "error", file: input.file, line: 1, col: 1, message: "has no YAML documents; delete it or add a Fleet or Cluster" });
  }
  return { docs, issues };
}

/**
 * A document with nothing in it: what the `yaml` package makes of a `---` followed by nothing
 * but comments or the next `---` (an empty plain scalar, no tag, no anchor). An explicit `null`
 * or `~`, or `""`, is written text, not an empty document.
 */
export function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  if (c === null) return true;
  return isScalar(c) && c.value === null && c.type === "PLAIN" && c.source === "" && c.tag === undefined && c.anchor === undefined && c.range[0] === c.range[1];
}

/** Keys that could pollute prototypes, and nesting deep enough to be an attack rather than a fleet. */
function checkShape(src: SourceDoc): Issue[] {
  const issues: Issue[] = [];
  visit(src.doc, {
    Map(_key, map) {
      for (const offset of repeatedKeys(map)) {
        const pos = src.lineCounter.linePos(offset.offset);
        issues.push({ code: "yaml-syntax", severity: "error", file: src.file, line: pos.line, col: pos.col, message: `YAML: the key "${offset.key}" appears twice in the same mapping` });
      }
    },
    Pair(_key, pair, path) {
      if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
        const offset = pair.key.range?.[0] ?? 0;
        const pos = src.lineCounter.linePos(offset);
        issues.push({
          code: "forbidden-key",
          severity: "error",
          file: src.file,
          line: pos.line,
          col: pos.col,
          message: `the key "${String(pair.key.value)}" is not allowed anywhere in a fleet file`,
        });
      }
      const changed = isScalar(pair.key) ? keyRewrite(pair.key) : undefined;
      if (changed !== undefined && isScalar(pair.key)) {
        const pos = src.lineCounter.linePos(pair.key.range?.[0] ?? 0);
        issues.push({ code: "schema", severity: "error", file: src.file, line: pos.line, col: pos.col, path: [...docPathOf(path), String(pair.key.source)], message: changed });
      }
      let depth = 0;
      for (const n of path) if (isMap(n) || isSeq(n)) depth++;
      if (depth > LIMITS.depth) {
        const pos = src.lineCounter.linePos(pair.key && isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
        issues.push({ code: "yaml-too-deep", severity: "error", file: src.file, line: pos.line, col: pos.col, message: `nesting is deeper than the limit of ${LIMITS.depth}` });
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return issues;
}

/**
 * A plain key that YAML 1.2 reads as something other than the string it looks like, and that
 * would become another string as a key (`012:` is the number 12, so the key "12"; `null:` and
 * `~:` the key ""): refused with the hint to quote it. (`1:` or `true:` stay what they say.)
 */
function keyRewrite(key: Scalar): string | undefined {
  if (key.type !== "PLAIN" || typeof key.value === "string" || typeof key.source !== "string") return undefined;
  const becomes = key.value === null ? "" : String(key.value);
  if (becomes === key.source) return undefined;
  const kind = key.value === null ? "null" : typeof key.value === "number" ? `the number ${String(key.value)}` : String(key.value);
  return `the key ${key.source} is read as ${kind} (YAML 1.2), so it would become ${JSON.stringify(becomes)}; quote it: ${JSON.stringify(key.source)}:`;
}

/** The document path of a node, from the visitor's ancestors (keys of pairs, indexes in sequences). */
function docPathOf(ancestors: readonly unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  ancestors.forEach((n, i) => {
    if (isPair(n) && isScalar(n.key)) out.push(String(n.key.value));
    else if (isSeq(n)) {
      const index = n.items.indexOf(ancestors[i + 1] as never);
      if (index >= 0) out.push(index);
    }
  });
  return out;
}

/** Keys repeated within one mapping, in linear time. */
function repeatedKeys(map: YAMLMap): { key: string; offset: number }[] {
  const out: { key: string; offset: number }[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const k = String(pair.key.value);
    if (seen.has(k)) out.push({ key: k, offset: pair.key.range?.[0] ?? 0 });
    seen.add(k);
  }
  return out;
}

/** Keys repeated within any mapping of a document. */
export function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const out: { key: string; offset: number }[] = [];
  visit(doc, { Map: (_key, map) => void out.push(...repeatedKeys(map)) });
  return out;
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0] ?? s;
  return line.replace(/ at line \d+, column \d+:?$/, "").trim();
}

