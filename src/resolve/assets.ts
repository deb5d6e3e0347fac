import { isMap, isScalar, LineCounter, parseAllDocuments, parseDocument, type Document } from "yaml";
import { firstLine } from "../diagnostics/format.js";
import { resultOf, type Issue, type Result } from "../diagnostics/issue.js";
import { documentData, duplicateKeys } from "../load/limits.js";
import { isPlainObject } from "./merge.js";
import type { Asset, ResolvedCluster, ResolvedFleet } from "./model.js";

/**
 * The files the resolved fleet names (kubesphere.yaml bases, a sealed or SOPS Secret): which
 * they are, and their content checked against the settings that name them. Input validation
 * that needs the resolved settings, so it runs here, after resolve and before plan; the CLI
 * reads the files (load/assets.ts) in between.
 */

/** The fleet's referenced files, checked, in the form the planner uses them. */
export interface Assets {
  /** The base's kubesphere.yaml as read (the planner sets `monitoring.endpoint`, emit/yaml.ts writes it). */
  kubesphereBase(base: Asset): Document;
  /** The sealed or SOPS-encrypted Secret for a namespace, and its exact text. */
  secretFor(file: Asset, namespace: string): CopiedDocument;
}

/** A Kubernetes object read from a file, and its text, to be copied through as written. */
export interface CopiedDocument {
  readonly object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [field: string]: unknown };
  readonly text: string;
}

/** Namespaces that need the object-storage Secret: the Store's and every ingestor's. */
export function secretNamespaces(fleet: ResolvedFleet): string[] {
  return [...new Set([fleet.namespace, ...fleet.host.central.ingestors.map((i) => i.namespace)])].sort();
}

export type NamedFile = { readonly kind: "base" | "secret"; readonly asset: Asset };

/** Every file the resolved fleet names, for the CLI to read. */
export function assetsOf(fleet: ResolvedFleet): NamedFile[] {
  if (fleet.mode !== "central") return [];
  const out: NamedFile[] = [];
  for (const c of [fleet.host, ...fleet.members]) if (c.kubesphere.base !== undefined) out.push({ kind: "base", asset: c.kubesphere.base });
  const source = fleet.host.central.objectStorage.source;
  if (source.kind === "sealedSecret" || source.kind === "sops") out.push({ kind: "secret", asset: source.file });
  return out;
}

const SOPS_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;
/** The key types of sops' metadata (stores/stores.go at v3.13.2; `hckms` is HuaweiCloud KMS, new in 3.12). */
const SOPS_KEY_GROUPS = ["kms", "gcp_kms", "hckms", "azure_kv", "hc_vault", "age", "pgp", "key_groups"];

function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

type At = (line: number, col: number, message: string) => Issue;

/** Checks the referenced files' content (pure: the CLI read them). */
export function checkAssets(fleet: ResolvedFleet, texts: ReadonlyMap<string, string>): Result<Assets> {
  const issues: Issue[] = [];
  const bases = new Map<string, Document>();
  const secrets = new Map<string, CopiedDocument>();
  const done = new Set<string>();
  for (const { kind, asset } of assetsOf(fleet)) {
    const text = texts.get(asset.path);
    if (text === undefined || done.has(asset.path)) continue; // unreadable files were reported when read
    done.add(asset.path);
    const at: At = (line, col, message) => ({ code: "invalid-asset", severity: "error", file: asset.display, line, col, message });
    if (kind === "base") {
      const base = checkBase(text, at, issues);
      if (base === undefined) continue;
      bases.set(asset.path, base.doc);
      const users = [fleet.host, ...fleet.members].filter((c) => c.kubesphere.base?.path === asset.path);
      issues.push(...roleProblems(base.doc, base.lc, users, at));
    } else {
      for (const [ns, secret] of checkSecretFile(fleet, text, at, issues)) secrets.set(`${asset.path}\0${ns}`, secret);
    }
  }
  return resultOf<Assets>(
    {
      kubesphereBase(base) {
        return bases.get(base.path)!;
      },
      secretFor(file, namespace) {
        return secrets.get(`${file.path}\0${namespace}`)!;
      },
    },
    issues,
  );
}

/** A syntax error or a repeated key, as the first thing wrong with a document. */
function yamlProblem(doc: Document, lc: LineCounter): { line: number; col: number; message: string } | undefined {
  const err = doc.errors[0];
  const dup = duplicateKeys(doc)[0];
  const offset = err?.pos[0] ?? dup?.offset;
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  const what = err !== undefined ? firstLine(err.message) : `the key "${dup!.key}" appears twice in the same mapping`;
  return { line, col, message: `is not valid YAML: ${what}` };
}

/** A kubesphere.yaml base: one YAML mapping whose `monitoring`, if any, is a mapping too. */
function checkBase(text: string, at: At, issues: Issue[]): { doc: Document; lc: LineCounter } | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const problem = yamlProblem(doc, lc);
  if (problem !== undefined) {
    issues.push(at(problem.line, problem.col, problem.message));
    return undefined;
  }
  if (!isMap(doc.contents)) {
    issues.push(at(1, 1, "must be a YAML mapping: the content of kubesphere-config's kubesphere.yaml key"));
    return undefined;
  }
  // `monitoring:` and `monitoring: null` come back as a null Scalar: nothing there yet, which the endpoint fills in.
  const monitoring = doc.get("monitoring", true);
  if (monitoring !== undefined && !isMap(monitoring) && !(isScalar(monitoring) && monitoring.value === null)) {
    const p = lc.linePos((monitoring as { range?: [number] }).range?.[0] ?? 0);
    issues.push(at(p.line, p.col, "monitoring must be a mapping (it gets monitoring.endpoint)"));
    return undefined;
  }
  // kubesphere-config is applied whole: what the base leaves out, ks-apiserver loses.
  const jwt = doc.getIn(["authentication", "jwtSecret"]);
  if (typeof jwt !== "string" || jwt === "") {
    const p = lc.linePos(nodeOffset(doc, ["authentication", "jwtSecret"]) ?? nodeOffset(doc, ["authentication"]) ?? 0);
    const what = jwt === undefined ? "has no" : jwt === null || jwt === "" ? "has an empty" : `has a ${typeof jwt}, not a string, as`;
    issues.push(at(p.line, p.col, `${what} authentication.jwtSecret: the rendered kubesphere-config replaces ks-apiserver's whole configuration, and without the cluster's own JWT secret every KubeSphere login token stops working; ${FROM_LIVE}`));
  }
  if (!isMap(doc.get("multicluster", true))) {
    issues.push(at(1, 1, `has no multicluster section: the rendered kubesphere-config replaces ks-apiserver's whole configuration, and without it ks-apiserver runs as if the cluster were in no multi-cluster setup; ${FROM_LIVE}`));
  }
  return { doc, lc };
}

const FROM_LIVE = "take the base from the live cluster: kubectl -n kubesphere-system get configmap kubesphere-config -o jsonpath='{.data.kubesphere\\.yaml}'";

function nodeOffset(doc: Document, path: readonly string[]): number | undefined {
  const node = doc.getIn(path, true) as { range?: [number] } | undefined;
  return node?.range?.[0];
}

/** A base says which role its cluster has in KubeSphere's multi-cluster setup: it must be the role of every cluster that uses it. */
function roleProblems(doc: Document, lc: LineCounter, users: readonly ResolvedCluster[], at: At): Issue[] {
  const role = doc.getIn(["multicluster", "clusterRole"]);
  if (typeof role !== "string") return [];
  const wrong = users.filter((c) => c.role !== role);
  if (wrong.length === 0) return [];
  const p = lc.linePos(nodeOffset(doc, ["multicluster", "clusterRole"]) ?? 0);
  const names = wrong.map((c) => `${c.name} (${c.role})`).join(", ");
  return [at(p.line, p.col, `multicluster.clusterRole is ${JSON.stringify(role)}, but this base is used by ${names}: give each role a base of its own, for example the host's with spec.overrides.kubesphere.base in its Cluster`)];
}

/** A sealed or SOPS Secret file: one document per namespace that needs the Secret, each really encrypted. */
function checkSecretFile(fleet: ResolvedFleet, text: string, at: At, issues: Issue[]): Map<string, CopiedDocument> {
  const storage = fleet.host.central.objectStorage;
  const kind = storage.source.kind;
  const lc = new LineCounter();
  const found = new Map<string, CopiedDocument>();
  for (const doc of parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false })) {
    const problem = yamlProblem(doc, lc);
    if (problem !== undefined) {
      issues.push(at(problem.line, problem.col, problem.message));
      continue;
    }
    // Aliases expand as in the fleet's own files, within the same limit.
    const data = documentData(doc);
    if ("problem" in data) {
      const p = lc.linePos(doc.range[0]);
      issues.push(at(p.line, p.col, data.problem));
      continue;
    }
    const o = data.value;
    // An empty document (a stray `---`) is no object, as kubectl and kustomize read the stream.
    if (o === null) continue;
    const pos = lc.linePos(doc.range[0]);
    const wrong = kind === "sealedSecret" ? sealedProblem(o, storage.key) : sopsProblem(o, storage.key);
    if (wrong !== undefined) {
      issues.push(at(pos.line, pos.col, wrong));
      continue;
    }
    const object = o as unknown as CopiedDocument["object"];
    if (object.metadata.name !== storage.secretName) {
      issues.push(at(pos.line, pos.col, `names the Secret "${object.metadata.name}"; the fleet's is "${storage.secretName}" (central.objectStorage.secretName)`));
      continue;
    }
    // The document's own text, byte for byte: a signature or MAC must not see a re-serialised copy.
    found.set(object.metadata.namespace ?? "", { object, text: text.slice(doc.range[0], doc.range[2]).replace(/\s*$/, "\n") });
  }
  const out = new Map<string, CopiedDocument>();
  for (const ns of secretNamespaces(fleet)) {
    const hit = found.get(ns);
    if (hit !== undefined) out.set(ns, hit);
    else {
      const what = kind === "sealedSecret" ? "SealedSecret" : "Secret";
      issues.push(at(1, 1, `has no ${what} "${storage.secretName}" for namespace ${ns}; the Store and every ingestor read the Secret from their own namespace, so the file needs one document per namespace`));
    }
  }
  return out;
}

function sealedProblem(o: unknown, key: string): string | undefined {
  if (!isPlainObject(o)) return "is not a Kubernetes object";
  if (o.apiVersion !== "bitnami.com/v1alpha1" || o.kind !== "SealedSecret") return `is a ${String(o.kind)} (${String(o.apiVersion)}), not a SealedSecret (bitnami.com/v1alpha1); seal the Secret with kubeseal`;
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta?.name !== "string" || typeof meta.namespace !== "string") return "must name its Secret and namespace in metadata (kubeseal seals for one namespace)";
  const data = (o.spec as Record<string, unknown> | undefined)?.encryptedData as Record<string, unknown> | undefined;
  const value = data?.[key];
  if (typeof value !== "string") return `has no spec.encryptedData["${key}"]`;
  if (!/^[A-Za-z0-9+/]+=*$/.test(value) || value.length < 64) return `spec.encryptedData["${key}"] is not sealed data (kubeseal writes long base64 ciphertext)`;
  return undefined;
}

function sopsProblem(o: unknown, key: string): string | undefined {
  if (!isPlainObject(o)) return "is not a Kubernetes object";
  if ([o.apiVersion, o.kind].some((v) => typeof v === "string" && SOPS_VALUE.test(v))) {
    return "has its apiVersion and kind encrypted: paodin-fleet must read the Secret's kind, name and namespace, so encrypt only its data (sops --encrypt --encrypted-regex '^(data|stringData)$')";
  }
  if (o.apiVersion !== "v1" || o.kind !== "Secret") return `is a ${String(o.kind)} (${String(o.apiVersion)}), not a v1 Secret`;
  const sops = o.sops;
  // sops writes each key type it used as a list, and older releases write the others as empty lists.
  if (!isPlainObject(sops) || typeof sops.mac !== "string" || !SOPS_KEY_GROUPS.some((k) => nonEmptyList(sops[k]))) {
    return "is not encrypted with SOPS (no sops metadata with a mac and keys); encrypt it with sops --encrypt";
  }
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta?.name !== "string" || typeof meta.namespace !== "string") return "must name its Secret and namespace in metadata";
  const data = { ...(o.data as Record<string, unknown> | undefined), ...(o.stringData as Record<string, unknown> | undefined) };
  if (data[key] === undefined) return `has no data["${key}"]`;
  const plain = Object.entries(data).find(([, v]) => typeof v !== "string" || !SOPS_VALUE.test(v));
  if (plain !== undefined) return `value "${plain[0]}" is not SOPS-encrypted (ENC[AES256_GCM,…]); encrypt the whole data section`;
  return undefined;
}
