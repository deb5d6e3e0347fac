import { createTwoFilesPatch } from "diff";
import { groupOf, isKustomizeFile, objectsOf, staysInCluster, type FileObject, type ObjectId } from "./diff-objects.js";
import { byCodeUnits } from "../order.js";

export { groupOf, isKustomizeFile, type ObjectId } from "./diff-objects.js";

/**
 * What a render changes, object by object: the pure core of `paodin-fleet diff`. Trees are
 * path → text. Files whose text is the same on both sides are skipped unread (at fleet scale,
 * nearly all of them); the others are read for their objects, so a moved or renamed file is
 * still the same object. Secret data never leaves this module in clear.
 */

/**
 * `kept`: an object that leaves the rendering but stays in the cluster with its last value,
 * since it is annotated so that neither Argo CD nor Flux prunes or deletes it (the objects the
 * fleet only patches: the Prometheus, ks-installer's ClusterConfiguration, `kubesphere-config`).
 */
export type ChangeKind = "added" | "changed" | "removed" | "kept";

export interface ObjectChange {
  /** Who the object is; a kustomization file is named by its path in the overlay. */
  readonly id: ObjectId;
  readonly change: ChangeKind;
  /** File it is (or was) in, relative to its overlay. */
  readonly file: string;
  /** Unified diff of the object's YAML, secret values replaced by `<hidden>`; empty for `kept`. */
  readonly patch: string;
  /** For `kept`: the object as last rendered (secret values hidden), which the cluster keeps. */
  readonly last?: string;
  /** A Secret whose hidden values changed although its visible text did not. */
  readonly hiddenChange: boolean;
  /**
   * The cluster the object is rendered for, when one is (its overlay's; in `_flux`, the one its
   * file is named after). Changes that differ only by this name are the same change.
   */
  readonly subject?: string;
}

/** `added`: nothing was under the overlay before; `removed`: nothing is after. */
export type OverlayStatus = "added" | "changed" | "removed";

export interface Counts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly kept: number;
}

export interface ClusterDiff extends Counts {
  /** The overlay's directory: a cluster name, or `_argocd` / `_flux`. */
  readonly cluster: string;
  readonly status: OverlayStatus;
  readonly objects: readonly ObjectChange[];
}

export interface FleetDiff extends Counts {
  /** The overlays that change, in natural order (`member-2` before `member-10`). */
  readonly clusters: readonly ClusterDiff[];
  /** Every overlay of either tree, changed or not, in natural order. */
  readonly overlays: readonly string[];
}

interface Entry extends FileObject {
  readonly file: string;
}

/** Identity of an object, as Kubernetes has it: group, kind, namespace, name (not the version). */
export function objectKey(id: ObjectId): string {
  return `${groupOf(id.apiVersion)}\0${id.kind}\0${id.namespace ?? ""}\0${id.name}`;
}

/** `Service (monitoring.paodin.io) kubesphere-monitoring-system/central`; a kustomization file by its path. */
export function describeId(id: ObjectId): string {
  if (isKustomizeFile(id)) return id.name;
  return `${kindAndGroup(id)} ${id.namespace !== undefined ? `${id.namespace}/` : ""}${id.name}`;
}

/** `Service (monitoring.paodin.io)`, `Service (core)`: two kinds that share a name never look alike. */
export function kindAndGroup(id: ObjectId): string {
  const group = groupOf(id.apiVersion);
  return `${id.kind} (${group === "" ? "core" : group})`;
}

/**
 * Natural order: runs of digits compare by value, so `member-2` comes before `member-10`;
 * everything else by UTF-16 code units, the same on every machine. A total order (ties broken
 * by plain comparison).
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      let si = i;
      while (si < ei - 1 && a.charCodeAt(si) === 0x30) si++;
      let sj = j;
      while (sj < ej - 1 && b.charCodeAt(sj) === 0x30) sj++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return byCodeUnits(a, b);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Objects in an overlay: by kind, group, namespace and name; the kustomization file last. */
function compareIds(x: ObjectId, y: ObjectId): number {
  const kx = isKustomizeFile(x);
  const ky = isKustomizeFile(y);
  if (kx !== ky) return kx ? 1 : -1;
  return (
    byCodeUnits(x.kind, y.kind) ||
    byCodeUnits(groupOf(x.apiVersion), groupOf(y.apiVersion)) ||
    naturalCompare(x.namespace ?? "", y.namespace ?? "") ||
    naturalCompare(x.name, y.name)
  );
}

/** Stands for the object's cluster in texts compared across clusters: a character rendered YAML never holds. */
const SUBJECT = "\u0000";
const sameKeys = new WeakMap<ObjectChange, string>();

/**
 * Two changes with the same key are the same change: the same kind of change to the same
 * object, with the same patch, once each object's own cluster name is set aside (the
 * Prometheus of every member gets the same new gateway, each with its own name in the URL).
 */
export function sameChangeKey(o: ObjectChange): string {
  let key = sameKeys.get(o);
  if (key === undefined) {
    const norm = normalizer(o.subject);
    key = changeKeyOf(o.change, o.hiddenChange, norm(describeId(o.id)), norm(o.change === "kept" ? (o.last ?? "") : o.patch));
    sameKeys.set(o, key);
  }
  return key;
}

function changeKeyOf(change: ChangeKind, hidden: boolean, id: string, body: string): string {
  return `${change}\u0001${hidden ? 1 : 0}\u0001${id}\u0001${body}`;
}

/** Replaces the cluster's name, where it stands as a word of its own, by SUBJECT. */
function normalizer(subject: string | undefined): (s: string) => string {
  if (subject === undefined || subject === "") return (s) => s;
  return (s) => replaceWord(s, subject, SUBJECT);
}

/** `s` with every `word` that no letter or digit touches replaced by `by` (indexOf, not a regular expression: it runs on every changed object). */
function replaceWord(s: string, word: string, by: string): string {
  let i = s.indexOf(word);
  if (i < 0) return s;
  let out = "";
  let last = 0;
  while (i >= 0) {
    const end = i + word.length;
    if (!isWordChar(s.charCodeAt(i - 1)) && !isWordChar(s.charCodeAt(end))) {
      out += s.slice(last, i) + by;
      last = end;
      i = s.indexOf(word, end);
    } else i = s.indexOf(word, i + 1);
  }
  return out + s.slice(last);
}

/** A letter or digit (NaN, before the start or past the end, is neither). */
function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FleetDiff {
  const overlaysBefore = new Set<string>();
  const overlaysAfter = new Set<string>();
  const a = new Map<string, Map<string, Entry>>();
  const b = new Map<string, Map<string, Entry>>();
  // Bytes first: a file with the same text on both sides holds the same objects, unread.
  for (const [file, content] of before) {
    const slash = file.indexOf("/");
    if (slash < 0) continue;
    overlaysBefore.add(file.slice(0, slash));
    if (after.get(file) !== content) collect(a, file, slash, content);
  }
  for (const [file, content] of after) {
    const slash = file.indexOf("/");
    if (slash < 0) continue;
    overlaysAfter.add(file.slice(0, slash));
    if (before.get(file) !== content) collect(b, file, slash, content);
  }
  const overlays = [...new Set([...overlaysBefore, ...overlaysAfter])].sort(naturalCompare);
  const clusterNames = new Set(overlays.filter((o) => !o.startsWith("_")));

  // Computed once per distinct change: the same change in a thousand overlays is one patch.
  const patches = new Map<string, Map<string, string>>();
  const changeKeys = new Map<string, Map<string, string>>();
  const stays = new Map<string, boolean>();
  const clusters: ClusterDiff[] = [];
  for (const cluster of overlays) {
    const old = a.get(cluster);
    const neu = b.get(cluster);
    if (old === undefined && neu === undefined) continue;
    const keys = [...new Set([...(old?.keys() ?? []), ...(neu?.keys() ?? [])])];
    const objects: ObjectChange[] = [];
    for (const key of keys) {
      const o = old?.get(key);
      const n = neu?.get(key);
      if (o !== undefined && n !== undefined && o.text === n.text) continue;
      const entry = (n ?? o)!;
      let subject = subjectOf(cluster, entry.file, clusterNames);
      // Only a name that can be put back: SUBJECT must not occur in the texts already.
      if (subject !== undefined && ((o?.shown.includes(SUBJECT) ?? false) || (n?.shown.includes(SUBJECT) ?? false))) subject = undefined;
      const norm = normalizer(subject);
      const normId = norm(describeId(entry.id));
      const hiddenChange = o !== undefined && n !== undefined && o.shown === n.shown;
      let change: ChangeKind = o === undefined ? "added" : n === undefined ? "removed" : "changed";
      let normBody: string;
      let patch = "";
      let last: string | undefined;
      if (change === "removed") {
        const normText = norm(o!.text);
        let s = stays.get(normText);
        if (s === undefined) stays.set(normText, (s = staysInCluster(o!.text)));
        if (s) change = "kept";
      }
      if (change === "kept") {
        last = o!.shown;
        normBody = norm(last);
      } else {
        const x = o !== undefined ? norm(o.shown) : "";
        const y = n !== undefined ? norm(n.shown) : "";
        let byNew = patches.get(x);
        if (byNew === undefined) patches.set(x, (byNew = new Map()));
        let p = byNew.get(y);
        if (p === undefined) byNew.set(y, (p = unified(x, y)));
        normBody = p;
        patch = subject !== undefined ? p.split(SUBJECT).join(subject) : p;
      }
      const oc: ObjectChange = {
        id: entry.id,
        change,
        file: entry.file,
        patch,
        ...(last !== undefined ? { last } : {}),
        hiddenChange,
        ...(subject !== undefined ? { subject } : {}),
      };
      const head = `${change}\u0001${hiddenChange ? 1 : 0}\u0001${normId}`;
      let byBody = changeKeys.get(head);
      if (byBody === undefined) changeKeys.set(head, (byBody = new Map()));
      let changeKey = byBody.get(normBody);
      if (changeKey === undefined) byBody.set(normBody, (changeKey = changeKeyOf(change, hiddenChange, normId, normBody)));
      sameKeys.set(oc, changeKey);
      objects.push(oc);
    }
    if (objects.length === 0) continue;
    objects.sort((x, y) => compareIds(x.id, y.id));
    const status: OverlayStatus = !overlaysBefore.has(cluster) ? "added" : !overlaysAfter.has(cluster) ? "removed" : "changed";
    clusters.push({ cluster, status, ...count(objects), objects });
  }
  return { clusters, overlays, ...count(clusters.flatMap((c) => c.objects)) };
}

/** A cluster's overlay is its own; in `_flux`, `<cluster>.yaml` is that cluster's. */
function subjectOf(overlay: string, file: string, clusters: ReadonlySet<string>): string | undefined {
  if (!overlay.startsWith("_")) return overlay;
  const base = file.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  return clusters.has(base) ? base : undefined;
}

function collect(into: Map<string, Map<string, Entry>>, file: string, slash: number, content: string): void {
  if (!/\.ya?ml$/.test(file)) return;
  const cluster = file.slice(0, slash);
  const rel = file.slice(slash + 1);
  const objects = objectsOf(rel, content);
  if (objects.length === 0) return;
  let map = into.get(cluster);
  if (map === undefined) into.set(cluster, (map = new Map()));
  for (const o of objects) map.set(objectKey(o.id), { ...o, file: rel });
}

export function count(objects: readonly ObjectChange[]): Counts {
  let added = 0;
  let changed = 0;
  let removed = 0;
  let kept = 0;
  for (const o of objects) {
    if (o.change === "added") added++;
    else if (o.change === "changed") changed++;
    else if (o.change === "removed") removed++;
    else kept++;
  }
  return { added, changed, removed, kept };
}

function unified(a: string, b: string): string {
  // Whole objects added or removed need no diff algorithm: every line is added (removed).
  if (a === "" || b === "") {
    const lines = (a === "" ? b : a).replace(/\n$/, "").split("\n");
    const hunk = a === "" ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
    const sign = a === "" ? "+" : "-";
    return `${hunk}\n${lines.map((l) => sign + l).join("\n")}\n`;
  }
  const patch = createTwoFilesPatch("a", "b", a, b, undefined, undefined, { context: 3 });
  // Drop the "=====" line and the file header: the object is named around the patch.
  return patch
    .split("\n")
    .filter((l, i) => i > 3 || !/^(=+|Index:|---|\+\+\+)/.test(l))
    .join("\n")
    .replace(/\n+$/, "\n");
}
