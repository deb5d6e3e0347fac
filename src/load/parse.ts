import { isPair, isScalar, isSeq, type Document, type Pair, type Scalar } from "yaml";
import type { Issue } from "../diagnostics/issue.js";
import { documentData, documentProblems, FLEET_FILE, LIMITS, parseYamlDocuments } from "./limits.js";
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
  const { docs, lineCounter } = parseYamlDocuments(text);
  return { docs, lineCounter };
}

function parseWithYaml(input: TextFile): { docs: SourceDoc[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const { docs: all, lineCounter, tooMany } = parseYamlDocuments(input.text);
  if (tooMany !== undefined) {
    issues.push({ code: "yaml-too-many-documents", severity: "error", file: input.file, line: 1, col: 1, message: tooMany });
    return { docs: [], issues };
  }
  const docs: SourceDoc[] = [];
  for (const [index, doc] of all.entries()) {
    // The hostile-input checks (load/limits.ts), and keys YAML 1.2 reads as something else.
    const problems = documentProblems(input.file, doc, lineCounter, FLEET_FILE, keyRewriteIssues(input.file));
    if (problems.length > 0) {
      issues.push(...problems);
      continue;
    }
    // `---` with nothing after it (a trailing one, two in a row): harmless, kubectl skips it too.
    if (isEmptyDocument(doc)) continue;
    const src0: Omit<SourceDoc, "value"> = { file: input.file, absPath: input.absPath, index, doc, lineCounter };
    const data = documentData(doc);
    if ("problem" in data) {
      issues.push(issueAt({ ...src0, value: undefined }, [], "yaml-aliases", data.problem));
      continue;
    }
    docs.push({ ...src0, value: data.value });
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
  // (An empty plain scalar is null; `null` and `~` have their source.)
  return isScalar(c) && c.type === "PLAIN" && c.source === "" && c.tag === undefined && c.anchor === undefined;
}

/** A plain key that YAML 1.2 reads as another string (keyRewrite), as an issue at the key. */
function keyRewriteIssues(file: string) {
  return (pair: Pair, ancestors: readonly unknown[], at: (offset: number) => { line: number; col: number }): Issue[] => {
    const changed = isScalar(pair.key) ? keyRewrite(pair.key) : undefined;
    if (changed === undefined || !isScalar(pair.key)) return [];
    const pos = at(pair.key.range?.[0] ?? 0);
    return [{ code: "schema", severity: "error", file, line: pos.line, col: pos.col, path: [...docPathOf(ancestors), String(pair.key.source)], message: changed }];
  };
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
  const kind = typeof key.value === "number" ? `the number ${String(key.value)}` : String(key.value);
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
