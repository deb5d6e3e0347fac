import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO } from "./cli.js";

/**
 * The server-side apply harness in test/ssa: kube-apiserver's merge (structured-merge-diff v4,
 * merge.Updater) run over cases given as JSON. Built once per process with the Debian packages
 * golang-go and golang-k8s-sigs-structured-merge-diff-dev (and its dependencies), offline.
 */

/** Where Debian installs the Go sources test/ssa/go.mod replaces its modules with. */
export const GOCODE = "/usr/share/gocode/src";
const SSA_SRC = path.join(REPO, "test", "ssa");

/**
 * The environment the build needs: no network (every module is replaced by a Debian source
 * directory, so no go.sum and no module proxy), the local toolchain, no cgo.
 */
export const GO_BUILD_ENV: Readonly<Record<string, string>> = {
  GOFLAGS: "-mod=mod",
  GOPROXY: "off",
  GOSUMDB: "off",
  GOTOOLCHAIN: "local",
  GOWORK: "off",
  CGO_ENABLED: "0",
};

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

/** Whether a `go` command is on PATH. */
export function goAvailable(): boolean {
  const r = spawnSync("go", ["version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

let built: string | undefined;

/** Builds test/ssa once per process into a temporary directory and returns the binary's path. */
export function buildSsa(): string {
  if (built !== undefined) return built;
  if (!goAvailable()) {
    throw new Error("`go` is not on PATH: the server-side apply test needs Go (Debian: apt-get install golang-go golang-k8s-sigs-structured-merge-diff-dev)");
  }
  const smd = path.join(GOCODE, "sigs.k8s.io", "structured-merge-diff");
  if (!existsSync(path.join(smd, "merge", "update.go"))) {
    throw new Error(`structured-merge-diff sources are missing at ${smd} (Debian: apt-get install golang-k8s-sigs-structured-merge-diff-dev)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "paodin-fleet-ssa-"));
  // Debian's github.com/modern-go/concurrent has no go.mod, which a replace directive needs:
  // supply one through an overlay, without writing into /usr/share.
  const concurrentGoMod = path.join(dir, "concurrent.go.mod");
  writeFileSync(concurrentGoMod, "module github.com/modern-go/concurrent\n");
  const overlay = path.join(dir, "overlay.json");
  writeFileSync(overlay, JSON.stringify({ Replace: { [path.join(GOCODE, "github.com", "modern-go", "concurrent", "go.mod")]: concurrentGoMod } }));
  const env: Record<string, string | undefined> = { ...process.env, ...GO_BUILD_ENV };
  // Without HOME (or XDG_CACHE_HOME) go has no default cache: use the temporary directory.
  if (!env.GOCACHE && !env.XDG_CACHE_HOME && !env.HOME) env.GOCACHE = path.join(dir, "gocache");
  if (!env.GOPATH && !env.HOME) env.GOPATH = path.join(dir, "gopath");
  if (env.GOPATH) mkdirSync(env.GOPATH, { recursive: true });
  const binary = path.join(dir, "ssa");
  const r = spawnSync("go", ["build", `-overlay=${overlay}`, "-o", binary, "."], { cwd: SSA_SRC, env, encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`go build of test/ssa failed (${r.error?.message ?? `exit ${String(r.status)}`}):\n${r.stderr}`);
  }
  built = binary;
  return binary;
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
