import { naturalCompare, sameChangeKey, type ChangeKind, type ClusterDiff, type FleetDiff, type ObjectChange, type OverlayStatus } from "./diff.js";

/**
 * The same change, told once. At fleet scale most overlays change alike (a new gateway URL
 * changes every member's Prometheus and ks-installer the same way, each with its own name in
 * the URL): overlays whose changes are all the same form one section, shown once with the
 * list of overlays it stands for; within an overlay, objects that change alike (`_flux`'s
 * Kustomizations, one per cluster) form one group.
 */

export interface ObjectGroup {
  readonly change: ChangeKind;
  /** The objects that change alike, in the overlay's order; the first is the one shown. */
  readonly objects: readonly ObjectChange[];
}

export interface Section {
  /** Overlays that change exactly alike, in natural order; the first is the one shown. */
  readonly overlays: readonly ClusterDiff[];
  readonly status: OverlayStatus;
  /** The changes of the first overlay, alike ones grouped. */
  readonly groups: readonly ObjectGroup[];
}

/** The diff's overlays as sections, in the order of their first overlay. */
export function sectionsOf(d: FleetDiff): Section[] {
  const ids = new Map<string, number>();
  const idOf = (key: string): number => {
    let n = ids.get(key);
    if (n === undefined) ids.set(key, (n = ids.size));
    return n;
  };
  const bySignature = new Map<string, { overlays: ClusterDiff[]; status: OverlayStatus; groups: ObjectGroup[] }>();
  const out: { overlays: ClusterDiff[]; status: OverlayStatus; groups: ObjectGroup[] }[] = [];
  for (const c of d.clusters) {
    const groups = new Map<number, ObjectChange[]>();
    for (const o of c.objects) {
      const id = idOf(sameChangeKey(o));
      const g = groups.get(id);
      if (g === undefined) groups.set(id, [o]);
      else g.push(o);
    }
    const signature = `${c.status}:${[...groups].map(([id, objects]) => `${id}x${objects.length}`).join(",")}`;
    const section = bySignature.get(signature);
    if (section !== undefined) {
      section.overlays.push(c);
      continue;
    }
    const made = { overlays: [c], status: c.status, groups: [...groups.values()].map((objects) => ({ change: objects[0]!.change, objects })) };
    bySignature.set(signature, made);
    out.push(made);
  }
  return out;
}

/**
 * Names as a reader takes them in: runs of consecutive overlays (in `universe`'s order, with the
 * same name apart from their numbers) as `member-1` … `member-998`, each name in backticks;
 * longer than `max` characters, the rest is counted ("and 212 more"), never dropped unsaid.
 */
export function listNames(names: readonly string[], universe: ReadonlyMap<string, number>, max: number): string {
  const { text, rest } = listedNames(names, universe, max);
  return rest > 0 ? `${text} and ${fmt(rest)} more` : text;
}

/** listNames' list, and how many names it leaves to count. */
export function listedNames(names: readonly string[], universe: ReadonlyMap<string, number>, max: number): { text: string; rest: number } {
  // Overlays in their order, then other names (rank Infinity: Infinity - Infinity is NaN, falsy) in natural order.
  const rank = (n: string): number => universe.get(n) ?? Infinity;
  const sorted = [...names].sort((x, y) => rank(x) - rank(y) || naturalCompare(x, y));
  const runs: string[][] = [];
  for (const name of sorted) {
    const run = runs.at(-1);
    const prev = run?.at(-1);
    const i = universe.get(name);
    if (run !== undefined && prev !== undefined && i !== undefined && universe.get(prev) === i - 1 && stem(prev) === stem(name)) run.push(name);
    else runs.push([name]);
  }
  const parts: string[] = [];
  let size = 0;
  let listed = 0;
  for (const run of runs) {
    const piece = run.length >= 3 ? `${code(run[0]!)} … ${code(run.at(-1)!)}` : run.map(code).join(", ");
    if (parts.length > 0 && size + piece.length + 2 > max) break;
    parts.push(piece);
    size += piece.length + 2;
    listed += run.length;
  }
  return { text: parts.join(", "), rest: sorted.length - listed };
}

function stem(name: string): string {
  return name.replace(/[0-9]+/g, "#");
}

/** A markdown code span that holds `s` whatever backticks it has. */
export function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${s}${fence}` : `${fence} ${s} ${fence}`;
}

/** 1,001 */
export function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
