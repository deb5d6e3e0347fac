import { isMap, LineCounter, parseAllDocuments, parseDocument, type Document } from "yaml";
import { resultOf, type Issue, type Result } from "../diagnostics/issue.js";
import type { K8sObject } from "../plan/objects.js";
import type { Asset, ResolvedFleet } from "../resolve/model.js";
import { secretNamespaces } from "../plan/central.js";
import { duplicateKeys } from "../load/parse.js";

/** The fleet's referenced files, checked, in the form the planner uses them. */
export interface Assets {
  /** The base's kubesphere.yaml with `monitoring.endpoint` set, everything else as written. */
  kubesphereYaml(base: Asset, endpoint: string): string;
  /** The sealed or SOPS-encrypted Secret for a namespace, and its exact text. */
  secretFor(file: Asset, namespace: string): { object: K8sObject; text: string };
}

/** Every Asset the resolved fleet names, for the CLI to read. */
export function assetsOf(fleet: ResolvedFleet): Asset[] {
  const out: Asset[] = [];
  for (const c of [fleet.host, ...fleet.members]) if (fleet.mode === "central" && c.kubesphere.base !== undefined) out.push(c.kubesphere.base);
  const source = fleet.host.central.objectStorage.source;
  if (fleet.mode === "central" && (source.kind === "sealedSecret" || source.kind === "sops")) out.push(source.file);
  return out;
}

const SOPS_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;
const SOPS_KEY_GROUPS = ["kms", "gcp_kms", "azure_kv", "hc_vault", "age", "pgp", "key_groups"];

/** Checks the referenced files' content (pure: the CLI read them). */
export function checkAssets(fleet: ResolvedFleet, texts: ReadonlyMap<string, string>): Result<Assets> {
  const issues: Issue[] = [];
  const bases = new Map<string, string>();
  const secrets = new Map<string, { object: K8sObject; text: string }>();
  const at = (a: Asset, line: number, col: number, message: string): Issue => ({ code: "invalid-asset", severity: "error", file: a.display, line, col, message });

  for (const a of assetsOf(fleet)) {
    const text = texts.get(a.path);
    if (text === undefined) continue; // reported when reading
    if (fleet.mode === "central" && [fleet.host, ...fleet.members].some((c) => c.kubesphere.base?.path === a.path)) {
      const lc = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
      const err = doc.errors[0];
      if (err !== undefined) {
        const p = lc.linePos(err.pos[0]);
        issues.push(at(a, p.line, p.col, `is not valid YAML: ${err.message.split("\n")[0]}`));
        continue;
      }
      const dup = duplicateKeys(doc)[0];
      if (dup !== undefined) {
        const p = lc.linePos(dup.offset);
        issues.push(at(a, p.line, p.col, `is not valid YAML: the key "${dup.key}" appears twice in the same mapping`));
        continue;
      }
      if (!isMap(doc.contents)) {
        issues.push(at(a, 1, 1, "must be a YAML mapping: the content of kubesphere-config's kubesphere.yaml key"));
        continue;
      }
      const monitoring = doc.get("monitoring", true);
      if (monitoring !== undefined && monitoring !== null && !isMap(monitoring)) {
        const p = lc.linePos((monitoring as { range?: [number] }).range?.[0] ?? 0);
        issues.push(at(a, p.line, p.col, "monitoring must be a mapping (it gets monitoring.endpoint)"));
        continue;
      }
      bases.set(a.path, text);
    } else {
      checkSecretFile(fleet, a, text, issues, secrets, at);
    }
  }
  return resultOf<Assets>(
    {
      kubesphereYaml(base, endpoint) {
        const doc: Document = parseDocument(bases.get(base.path)!);
        doc.setIn(["monitoring", "endpoint"], endpoint);
        return doc.toString({ lineWidth: 0 });
      },
      secretFor(file, namespace) {
        return secrets.get(`${file.path}\0${namespace}`)!;
      },
    },
    issues,
  );
}

/** A sealed or SOPS Secret file: one document per namespace that needs the Secret, each really encrypted. */
function checkSecretFile(
  fleet: ResolvedFleet,
  a: Asset,
  text: string,
  issues: Issue[],
  out: Map<string, { object: K8sObject; text: string }>,
  at: (a: Asset, line: number, col: number, message: string) => Issue,
): void {
  const storage = fleet.host.central.objectStorage;
  const kind = storage.source.kind;
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) {
    issues.push(at(a, 1, 1, "is empty"));
    return;
  }
  const found = new Map<string, { object: K8sObject; text: string }>();
  for (const doc of docs) {
    const pos = lc.linePos(doc.range[0]);
    if (doc.errors.length > 0) {
      const p = lc.linePos(doc.errors[0]!.pos[0]);
      issues.push(at(a, p.line, p.col, `is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`));
      continue;
    }
    const dup = duplicateKeys(doc)[0];
    if (dup !== undefined) {
      const p = lc.linePos(dup.offset);
      issues.push(at(a, p.line, p.col, `is not valid YAML: the key "${dup.key}" appears twice in the same mapping`));
      continue;
    }
    if (doc.contents === null) continue;
    const o = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null;
    const problem = kind === "sealedSecret" ? sealedProblem(o, storage.key) : sopsProblem(o, storage.key);
    if (problem !== undefined) {
      issues.push(at(a, pos.line, pos.col, problem));
      continue;
    }
    const object = o as unknown as K8sObject;
    if (object.metadata.name !== storage.secretName) {
      issues.push(at(a, pos.line, pos.col, `names the Secret "${object.metadata.name}"; the fleet's is "${storage.secretName}" (central.objectStorage.secretName)`));
      continue;
    }
    const ns = object.metadata.namespace ?? "";
    found.set(ns, { object, text: text.slice(doc.range[0], doc.range[2]).replace(/\s*$/, "\n") });
  }
  for (const ns of secretNamespaces(fleet)) {
    const hit = found.get(ns);
    if (hit === undefined) issues.push(at(a, 1, 1, `has no ${kind === "sealedSecret" ? "SealedSecret" : "Secret"} "${storage.secretName}" for namespace ${ns}; the Store and every ingestor read the Secret from their own namespace, so the file needs one document per namespace`));
    else out.set(`${a.path}\0${ns}`, hit);
  }
}

function sealedProblem(o: Record<string, unknown> | null, key: string): string | undefined {
  if (o === null || typeof o !== "object") return "is not a Kubernetes object";
  if (o.apiVersion !== "bitnami.com/v1alpha1" || o.kind !== "SealedSecret") return `is a ${String(o.kind)} (${String(o.apiVersion)}), not a SealedSecret (bitnami.com/v1alpha1); seal the Secret with kubeseal`;
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta?.name !== "string" || typeof meta.namespace !== "string") return "must name its Secret and namespace in metadata (kubeseal seals for one namespace)";
  const data = (o.spec as Record<string, unknown> | undefined)?.encryptedData as Record<string, unknown> | undefined;
  const value = data?.[key];
  if (typeof value !== "string") return `has no spec.encryptedData["${key}"]`;
  if (!/^[A-Za-z0-9+/]+=*$/.test(value) || value.length < 64) return `spec.encryptedData["${key}"] is not sealed data (kubeseal writes long base64 ciphertext)`;
  return undefined;
}

function sopsProblem(o: Record<string, unknown> | null, key: string): string | undefined {
  if (o === null || typeof o !== "object") return "is not a Kubernetes object";
  if (o.apiVersion !== "v1" || o.kind !== "Secret") return `is a ${String(o.kind)} (${String(o.apiVersion)}), not a v1 Secret`;
  const sops = o.sops as Record<string, unknown> | undefined;
  if (sops === undefined || typeof sops !== "object" || typeof sops.mac !== "string" || !SOPS_KEY_GROUPS.some((k) => sops[k] !== undefined && sops[k] !== null)) {
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
