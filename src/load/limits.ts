/**
 * Bounds on what the loader accepts. Fleet files are small hand-written YAML; these
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
  /** Characters in one template string. */
  templateChars: 4096,
  /** Bytes in one referenced file (kubesphere.yaml base, sealed or SOPS secret). */
  assetBytes: 1024 * 1024,
} as const;

/** Keys that would reach an object's prototype if anything ever assigned them naively. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
