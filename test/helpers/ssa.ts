import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildGoProgram, goAvailable, GOCODE } from "./go.js";

/**
 * The server-side apply harness in test/ssa: kube-apiserver's merge (structured-merge-diff v4,
 * merge.Updater) run over cases given as JSON. Built once per process with the Debian packages
 * golang-go and golang-k8s-sigs-structured-merge-diff-dev (and its dependencies), offline.
 */
export { goAvailable };

export interface SsaStep {
  manager: string;
  operation: "Apply" | "Update";
  object: unknown;
  force?: boolean;
}

export interface SsaCase {
  name: string;
  /** An openAPIV3Schema object from a CRD version, or "ConfigMap" for core/v1 ConfigMap. */
  schema: Record<string, unknown> | "ConfigMap";
  /** The object that exists, created by `liveManager` with an Update operation. */
  live: unknown;
  liveManager: string;
  /** Operations by other managers after the creation, before the apply. */
  before?: SsaStep[];
  /** Move the live manager's fields into the applier's Apply entry first (csaupgrade). */
  migrate?: boolean;
  /** Apply as kubectl >= 0.26 does, with its migration of the last-applied annotation's Update owners (Argo CD 2.10+). */
  kubectlApply?: boolean;
  applied: unknown;
  applier: string;
  force: boolean;
}

export interface SsaPath {
  /** fieldpath.Path.String(), e.g. `.spec.remoteWrite`. */
  path: string;
  /** Field names as they are, other path elements (keys, values, indexes) as `[...]`. */
  elements: string[];
}

export interface SsaManager {
  operation: "Apply" | "Update";
  apiVersion: string;
  fields: SsaPath[];
  leaves: SsaPath[];
  /** The set as metadata.managedFields[].fieldsV1 carries it. */
  fieldsV1: unknown;
}

export interface SsaResult {
  name: string;
  /** The object after the apply (the live object when the apply failed). */
  object: Record<string, unknown>;
  /** Managed fields after the apply (the ones it started from when it failed). */
  managers: Record<string, SsaManager>;
  /** Managed fields the apply started from (after the optional migration). */
  managersBefore: Record<string, SsaManager>;
  /** live → result as structured-merge-diff compares them. */
  comparison: { removed: SsaPath[]; modified: SsaPath[]; added: SsaPath[] } | null;
  /** The conflict error text, as the API server reports it; "" when none. */
  conflict: string;
  conflicts: { manager: string; path: SsaPath }[] | null;
  /** Any other failure (schema conversion, an object not matching its schema); "" when none. */
  error: string;
  /** The managers kubectl's post-apply step migrated (kubectlApply), or null. */
  migrated: string[] | null;
}

/** Builds test/ssa once per process and returns the binary's path. */
export function buildSsa(): string {
  if (!goAvailable()) {
    throw new Error("`go` is not on PATH: the server-side apply test needs Go (Debian: apt-get install golang-go golang-k8s-sigs-structured-merge-diff-dev)");
  }
  const smd = path.join(GOCODE, "sigs.k8s.io", "structured-merge-diff");
  if (!existsSync(path.join(smd, "merge", "update.go"))) {
    throw new Error(`structured-merge-diff sources are missing at ${smd} (Debian: apt-get install golang-k8s-sigs-structured-merge-diff-dev)`);
  }
  // Debian's github.com/modern-go/concurrent has no go.mod, which a replace directive needs:
  // supply one through an overlay, without writing into /usr/share.
  return buildGoProgram("ssa", (dir) => {
    const concurrentGoMod = path.join(dir, "concurrent.go.mod");
    writeFileSync(concurrentGoMod, "module github.com/modern-go/concurrent\n");
    const overlay = path.join(dir, "overlay.json");
    writeFileSync(overlay, JSON.stringify({ Replace: { [path.join(GOCODE, "github.com", "modern-go", "concurrent", "go.mod")]: concurrentGoMod } }));
    return [`-overlay=${overlay}`];
  });
}

/** Runs every case in one process of the harness. */
export function serverSideApply(cases: readonly SsaCase[]): SsaResult[] {
  const binary = buildSsa();
  const r = spawnSync(binary, [], { input: JSON.stringify({ cases }), encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`test/ssa failed (${r.error?.message ?? `exit ${String(r.status)}`}):\n${r.stderr}`);
  }
  const out = JSON.parse(r.stdout) as { results: SsaResult[] };
  if (out.results.length !== cases.length) throw new Error(`test/ssa returned ${out.results.length} results for ${cases.length} cases`);
  return out.results;
}
