import { createTwoFilesPatch } from "diff";
import { parseAllDocuments } from "yaml";
import { HEADER_PREFIX } from "../emit/emit.js";
import { toYaml } from "../emit/yaml.js";

/**
 * What a render changes, object by object: the pure core of `paodin-fleet diff`. Trees are
 * path → text; objects are found by parsing each file, so a moved or renamed file is
 * still the same object. Secret data never leaves this module in clear.
 */

export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export type ChangeKind = "added" | "changed" | "removed";

export interface ObjectChange {
  readonly id: ObjectId;
  readonly change: ChangeKind;
  /** File it is (or was) in, relative to the output directory. */
  readonly file: string;
  /** Unified diff of the object's YAML; secret values replaced by `<hidden>`. */
  readonly patch: string;
  /** A Secret whose hidden values changed although its visible text did not. */
  readonly hiddenChange: boolean;
}

export interface ClusterDiff {
  /** The overlay's directory: a cluster name, or `_argocd` / `_flux`. */
  readonly cluster: string;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly objects: readonly ObjectChange[];
}

export interface FleetDiff {
  readonly clusters: readonly ClusterDiff[];
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** Kinds whose data is secret (a sealed value is ciphertext, but no reviewer needs to read it either). */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Secret: ["data", "stringData", "sops"],
  SealedSecret: ["spec.encryptedData"],
};

interface Entry {
  readonly id: ObjectId;
  readonly file: string;
  readonly text: string;
  readonly shown: string;
}

/** Identity of an object; sorting by it lists objects by kind, then namespace and name. */
export function objectKey(id: ObjectId): string {
  return `${id.kind}\0${id.namespace ?? ""}\0${id.name}\0${id.apiVersion}`;
}

/** `Store kubesphere-monitoring-system/longterm` */
export function describeId(id: ObjectId): string {
  return `${id.kind} ${id.namespace !== undefined ? `${id.namespace}/` : ""}${id.name}`;
}

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FleetDiff {
  const a = objectsByCluster(before);
  const b = objectsByCluster(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const clusters: ClusterDiff[] = [];
  for (const cluster of names) {
    const old = a.get(cluster) ?? new Map<string, Entry>();
    const neu = b.get(cluster) ?? new Map<string, Entry>();
    const objects: ObjectChange[] = [];
    for (const key of [...new Set([...old.keys(), ...neu.keys()])].sort()) {
      const o = old.get(key);
      const n = neu.get(key);
      if (o !== undefined && n !== undefined && o.text === n.text) continue;
      const change: ChangeKind = o === undefined ? "added" : n === undefined ? "removed" : "changed";
      const entry = (n ?? o)!;
      const patch = unified(`${cluster}/${(o ?? n)!.file}`, `${cluster}/${entry.file}`, o?.shown ?? "", n?.shown ?? "");
      objects.push({ id: entry.id, change, file: entry.file, patch, hiddenChange: change === "changed" && o!.shown === n!.shown });
    }
    if (objects.length === 0) continue;
    clusters.push({ cluster, ...count(objects), objects });
  }
  return { clusters, ...count(clusters.flatMap((c) => c.objects)) };
}

function count(objects: readonly ObjectChange[]): { added: number; changed: number; removed: number } {
  return {
    added: objects.filter((o) => o.change === "added").length,
    changed: objects.filter((o) => o.change === "changed").length,
    removed: objects.filter((o) => o.change === "removed").length,
  };
}

function unified(oldName: string, newName: string, a: string, b: string): string {
  // Whole objects added or removed need no diff algorithm: every line is added (removed).
  if (a === "" || b === "") {
    const lines = (a === "" ? b : a).replace(/\n$/, "").split("\n");
    const hunk = a === "" ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
    const sign = a === "" ? "+" : "-";
    return `${hunk}\n${lines.map((l) => sign + l).join("\n")}\n`;
  }
  const patch = createTwoFilesPatch(oldName, newName, a, b, undefined, undefined, { context: 3 });
  // Drop the "=====" line and the file header: the object is named around the patch.
  return patch.split("\n").filter((l, i) => i > 3 || !/^(=+|Index:|---|\+\+\+)/.test(l)).join("\n").replace(/\n+$/, "\n");
}

/** cluster → object key → entry. Files that are not Kubernetes objects (kustomization.yaml) are skipped. */
function objectsByCluster(tree: ReadonlyMap<string, string>): Map<string, Map<string, Entry>> {
  const out = new Map<string, Map<string, Entry>>();
  for (const [file, content] of [...tree].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const slash = file.indexOf("/");
    if (slash < 0 || !/\.ya?ml$/.test(file)) continue;
    const cluster = file.slice(0, slash);
    const rel = file.slice(slash + 1);
    const docs = parseAllDocuments(content, { uniqueKeys: false });
    if (!Array.isArray(docs)) continue;
    for (const doc of docs) {
      if (doc.errors.length > 0 || doc.contents === null) continue;
      const o = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null;
      const meta = o?.metadata as Record<string, unknown> | undefined;
      if (typeof o?.apiVersion !== "string" || typeof o.kind !== "string" || typeof meta?.name !== "string") continue;
      if (o.kind === "Kustomization" && o.apiVersion.startsWith("kustomize.config.k8s.io/")) continue;
      const id: ObjectId = { apiVersion: o.apiVersion, kind: o.kind, name: meta.name, ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}) };
      // The document's own text, as the file has it (not re-serialised), without the generated header.
      const text = withoutHeader(content.slice(doc.range[0], doc.range[2]));
      const map = out.get(cluster) ?? new Map<string, Entry>();
      map.set(objectKey(id), { id, file: rel, text, shown: redact(o, text) });
      out.set(cluster, map);
    }
  }
  return out;
}

function withoutHeader(text: string): string {
  return text.split("\n").filter((l) => !l.startsWith(HEADER_PREFIX)).join("\n");
}

/** The object's text with every secret value replaced, re-serialised only when there is something to hide. */
function redact(o: Record<string, unknown>, text: string): string {
  const fields = SECRET_FIELDS[String(o.kind)];
  if (fields === undefined) return text;
  const copy = structuredClone(o);
  for (const field of fields) {
    const parts = field.split(".");
    let cur: unknown = copy;
    for (const p of parts.slice(0, -1)) cur = (cur as Record<string, unknown> | undefined)?.[p];
    const holder = cur as Record<string, unknown> | undefined;
    const values = holder?.[parts.at(-1)!];
    if (values !== null && typeof values === "object") {
      for (const k of Object.keys(values)) (values as Record<string, unknown>)[k] = "<hidden>";
    }
  }
  // Comments (a SOPS file's) are dropped with the values: they could quote them.
  return toYaml(copy);
}
