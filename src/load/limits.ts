import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Pair, type YAMLMap } from "yaml";
import { firstLine } from "../diagnostics/format.js";
import type { Issue, IssueCode } from "../diagnostics/issue.js";

/**
 * Hostile input: the one place that bounds what paodin-fleet reads and checks YAML against
 * those bounds, for fleet files (load/parse.ts), the files a fleet names (resolve/assets.ts)
 * and CRD manifests (schemas/import.ts). Fleet files are small hand-written YAML; these
 * limits sit far above real fleets (10,000 clusters fit) and far below what would let a
 * hostile pull request exhaust CI's memory or time. The README's "Security" section lists them.
 */
export const LIMITS = {
  /** Bytes in one fleet file. */
  fileBytes: 8 * 1024 * 1024,
  /** Fleet files under the clusters directory. */
  files: 50_000,
  /** YAML documents in one file. */
  documentsPerFile: 20_000,
  /** Alias expansions in one document (the `yaml` package's guard against "billion laughs"). */
  aliasesPerDocument: 100,
  /** Nesting depth of one document. */
  depth: 64,
  /**
   * Nesting depth of one CRD manifest (`schemas import`): CRD schemas nest about twice as deep as
   * fleet files (every level is `properties`, a name, a schema, under
   * `spec.versions[i].schema.openAPIV3Schema`; the operator's own reach 29). Far below a stack
   * overflow of the conversion's recursion.
   */
  crdDepth: 128,
  /** Characters in one template string. */
  templateChars: 4096,
  /** Bytes in one referenced file (kubesphere.yaml base, sealed or SOPS secret). */
  assetBytes: 1024 * 1024,
} as const;

/** Keys that would reach an object's prototype if anything ever assigned them naively. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** A kind of YAML input: its nesting limit, and how a prototype key is refused in it. */
export interface InputKind {
  readonly depth: number;
  readonly forbiddenKey: (key: string) => string;
}

export const FLEET_FILE: InputKind = { depth: LIMITS.depth, forbiddenKey: (key) => `the key "${key}" is not allowed anywhere in a fleet file` };
export const CRD_FILE: InputKind = { depth: LIMITS.crdDepth, forbiddenKey: (key) => `the key "${key}" is refused: it could reach into an object's prototype` };

/**
 * Text → YAML documents with positions, parsed the one way every input is (YAML 1.2, strict),
 * and `tooMany` when there are more than the limit. The parser's own duplicate-key check is
 * off: it compares every pair of keys of a mapping, which a hostile file with a huge mapping
 * turns into hours; documentProblems finds them in linear time.
 */
export function parseYamlDocuments(text: string): { docs: Document.Parsed[]; lineCounter: LineCounter; tooMany?: string } {
  const lineCounter = new LineCounter();
  const docs = [...parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true })] as Document.Parsed[];
  if (docs.length <= LIMITS.documentsPerFile) return { docs, lineCounter };
  return { docs, lineCounter, tooMany: `has ${docs.length} YAML documents, more than the limit of ${LIMITS.documentsPerFile}` };
}

/**
 * What is wrong with one document, before anything reads its data: its first YAML error (the
 * ones after it are most often the same mistake seen again); else repeated keys, prototype keys
 * and nesting deeper than `kind` allows (an attack rather than a file), and whatever `pair`
 * adds for each key, in document order.
 */
export function documentProblems(
  file: string,
  doc: Document.Parsed,
  lineCounter: LineCounter,
  kind: InputKind,
  pair?: (pair: Pair, ancestors: readonly unknown[], at: (offset: number) => { line: number; col: number }) => Issue[],
): Issue[] {
  const at = (offset: number) => lineCounter.linePos(offset);
  const issue = (offset: number, code: IssueCode, message: string): Issue => {
    const pos = at(offset);
    return { code, severity: "error", file, line: pos.line, col: pos.col, message };
  };
  const yamlError = [...doc.errors, ...doc.warnings][0];
  if (yamlError !== undefined) return [issue(yamlError.pos[0], "yaml-syntax", `YAML: ${firstLine(yamlError.message)}`)];
  const issues: Issue[] = [];
  visit(doc, {
    Map(_key, map) {
      for (const d of repeatedKeys(map)) issues.push(issue(d.offset, "yaml-syntax", `YAML: the key "${d.key}" appears twice in the same mapping`));
    },
    Pair(_key, p, path) {
      const keyAt = isScalar(p.key) ? (p.key.range?.[0] ?? 0) : 0;
      if (isScalar(p.key) && FORBIDDEN_KEYS.has(String(p.key.value))) issues.push(issue(keyAt, "forbidden-key", kind.forbiddenKey(String(p.key.value))));
      if (pair !== undefined) issues.push(...pair(p, path, at));
      let depth = 0;
      for (const n of path) if (isMap(n) || isSeq(n)) depth++;
      if (depth > kind.depth) {
        issues.push(issue(keyAt, "yaml-too-deep", `nesting is deeper than the limit of ${kind.depth}`));
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return issues;
}

/** A checked document's data, its aliases expanded up to the limit ("billion laughs"); or why not. */
export function documentData(doc: Document.Parsed): { value: unknown } | { problem: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: LIMITS.aliasesPerDocument }) };
  } catch (e) {
    return { problem: `YAML aliases expand to too much data (limit ${LIMITS.aliasesPerDocument} expansions per document): ${firstLine(String((e as Error).message))}` };
  }
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
