import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type YAMLMap } from "yaml";
import type { Issue } from "../diagnostics/issue.js";
import { FORBIDDEN_KEYS, LIMITS } from "./limits.js";
import { readSimpleYaml } from "./simple-yaml.js";
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
  const values = readSimpleYaml(input.text, LIMITS.depth, LIMITS.documentsPerFile);
  if (values !== undefined && values.length > 0) {
    let parsed: ParsedFile | undefined;
    const parse = (): ParsedFile => (parsed ??= parseWithPositions(input.text));
    return { docs: values.map((value, i) => lazySourceDoc(input.file, input.absPath, i, value, parse)), issues: [] };
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
    if (doc.contents === null) continue; // `---` with nothing after it: harmless
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

