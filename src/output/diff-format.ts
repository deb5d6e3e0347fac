import Handlebars from "handlebars";
import { describeId, type ChangeKind, type ClusterDiff, type FleetDiff, type ObjectChange } from "./diff.js";

/** GitHub and GitLab cap one comment at 65,536 characters; a diff longer than that is split, never cut off. */
export const COMMENT_LIMIT = 65_536;
/** Longest patch shown for one object before it is shortened (an added CRD is ~70 KB on its own). */
const PATCH_LIMIT = 12_000;
const SIGN: Record<ChangeKind, string> = { added: "+", changed: "~", removed: "-" };

export interface TextStyle {
  add(s: string): string;
  del(s: string): string;
  hunk(s: string): string;
  bold(s: string): string;
}

export const PLAIN_TEXT: TextStyle = { add: (s) => s, del: (s) => s, hunk: (s) => s, bold: (s) => s };
export const ANSI_TEXT: TextStyle = {
  add: (s) => `\x1b[32m${s}\x1b[39m`,
  del: (s) => `\x1b[31m${s}\x1b[39m`,
  hunk: (s) => `\x1b[36m${s}\x1b[39m`,
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
};

function counts(c: { added: number; changed: number; removed: number }): string {
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed`;
}

export function summary(d: FleetDiff): string {
  if (d.clusters.length === 0) return "no changes";
  const n = d.clusters.length;
  return `${n} overlay${n === 1 ? "" : "s"} change: ${counts(d)}`;
}

export function formatText(d: FleetDiff, style: TextStyle = PLAIN_TEXT): string {
  const out: string[] = [`paodin-fleet diff: ${summary(d)}`];
  for (const c of d.clusters) {
    out.push("", style.bold(`${c.cluster} (${counts(c)})`));
    for (const o of c.objects) {
      out.push(`  ${SIGN[o.change]} ${describeId(o.id)}${o.hiddenChange ? " (hidden values changed)" : ""}`);
      for (const line of o.patch.replace(/\n$/, "").split("\n")) {
        if (line === "") continue;
        const colour = line.startsWith("@@") ? style.hunk : line.startsWith("+") ? style.add : line.startsWith("-") ? style.del : (s: string) => s;
        out.push(`      ${colour(line)}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

export function formatJson(d: FleetDiff): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** The data a markdown template receives for one comment. */
export interface CommentData {
  readonly summary: string;
  readonly empty: boolean;
  readonly part: number;
  readonly parts: number;
  readonly multipart: boolean;
  readonly first: boolean;
  /** Every changed overlay with its counts, for the summary table (first comment only). */
  readonly table: readonly { cluster: string; added: number; changed: number; removed: number }[];
  readonly tableOmitted: boolean;
  readonly clusters: readonly {
    cluster: string;
    counts: string;
    objects: readonly { sign: string; change: ChangeKind; title: string; note: string; fence: string; patch: string; shown: boolean }[];
  }[];
}

export const DEFAULT_MARKDOWN_TEMPLATE = `### paodin-fleet: {{summary}}{{#if multipart}} (comment {{part}} of {{parts}}){{/if}}
{{#if first}}{{#unless empty}}
| overlay | added | changed | removed |
|---|---:|---:|---:|
{{#each table}}| \`{{cluster}}\` | {{added}} | {{changed}} | {{removed}} |
{{/each}}{{#if tableOmitted}}
_The per-overlay table is left out: it would not fit in one comment._
{{/if}}{{/unless}}{{/if}}{{#each clusters}}
#### \`{{cluster}}\` ({{counts}})
{{#each objects}}
<details><summary>{{sign}} {{title}}{{#if note}} <em>({{note}})</em>{{/if}}</summary>

{{#if shown}}{{fence}}diff
{{patch}}{{fence}}
{{else}}_Not shown: too long for a comment. Run \`paodin-fleet diff\` locally._
{{/if}}</details>
{{/each}}{{/each}}`;

/** Compiles a comment template (the default, or a user's): plain Handlebars over CommentData, no HTML escaping. */
export function compileTemplate(source: string): (data: CommentData) => string {
  const env = Handlebars.create();
  return env.compile<CommentData>(source, { noEscape: true, strict: false });
}

interface Section {
  readonly cluster: ClusterDiff;
  /** 0: patches up to PATCH_LIMIT; 1: a quarter of that; 2: none. */
  readonly level: 0 | 1 | 2;
}

/**
 * The diff as one or more markdown comments, each within `limit` characters: overlays are
 * packed greedily; an overlay too large for a comment of its own has its patches shortened,
 * then left out, and says so. Nothing is cut off silently.
 */
export function formatMarkdown(d: FleetDiff, template: (data: CommentData) => string, limit = COMMENT_LIMIT): string[] {
  const margin = 64; // part numbers may grow by a few digits between packing and the final render
  let tableOmitted = false;
  const render = (sections: readonly Section[], part: number, parts: number): string =>
    template(commentData(d, sections, part, parts, tableOmitted));
  if (render([], 1, 1).length > limit - margin) tableOmitted = true;

  const groups: Section[][] = [];
  let current: Section[] = [];
  for (const cluster of d.clusters) {
    let placed = false;
    for (const level of [0, 1, 2] as const) {
      const candidate = [...current, { cluster, level }];
      if (render(candidate, groups.length + 1, 99).length <= limit - margin) {
        current = candidate;
        placed = true;
        break;
      }
      if (current.length > 0) {
        groups.push(current);
        current = [];
        const alone = [{ cluster, level }];
        if (render(alone, groups.length + 1, 99).length <= limit - margin) {
          current = alone;
          placed = true;
          break;
        }
      }
    }
    if (!placed) current = [{ cluster, level: 2 }];
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  return groups.map((g, i) => render(g, i + 1, groups.length));
}

function commentData(d: FleetDiff, sections: readonly Section[], part: number, parts: number, tableOmitted: boolean): CommentData {
  return {
    summary: summary(d),
    empty: d.clusters.length === 0,
    part,
    parts,
    multipart: parts > 1,
    first: part === 1,
    table: tableOmitted ? [] : d.clusters.map((c) => ({ cluster: c.cluster, added: c.added, changed: c.changed, removed: c.removed })),
    tableOmitted,
    clusters: sections.map(({ cluster, level }) => ({
      cluster: cluster.cluster,
      counts: counts(cluster),
      objects: cluster.objects.map((o) => objectData(o, level)),
    })),
  };
}

/** Per object, computed once: packing renders the same objects many times. */
const prepared = new WeakMap<ObjectChange, { fence: string; levels: { text: string; dropped: number }[] }>();

function objectData(o: ObjectChange, level: 0 | 1 | 2) {
  let p = prepared.get(o);
  if (p === undefined) {
    const longest = Math.max(0, ...[...o.patch.matchAll(/`+/g)].map((m) => m[0].length));
    p = { fence: "`".repeat(Math.max(3, longest + 1)), levels: [PATCH_LIMIT, PATCH_LIMIT / 4, 0].map((max) => shorten(o.patch, max)) };
    prepared.set(o, p);
  }
  const { text, dropped } = p.levels[level]!;
  const notes = [o.hiddenChange ? "hidden values changed" : "", dropped > 0 && text !== "" ? `${dropped} more lines not shown` : ""].filter((n) => n !== "");
  return {
    sign: SIGN[o.change],
    change: o.change,
    title: `${o.id.kind} <code>${o.id.namespace !== undefined ? `${o.id.namespace}/` : ""}${o.id.name}</code>`,
    note: notes.join("; "),
    fence: p.fence,
    patch: text,
    shown: text !== "",
  };
}

/** The patch up to `max` characters, cut at a line boundary. */
function shorten(patch: string, max: number): { text: string; dropped: number } {
  if (patch.length <= max) return { text: patch, dropped: 0 };
  const lines = patch.split("\n");
  let size = 0;
  let kept = 0;
  while (kept < lines.length && size + lines[kept]!.length + 1 <= max) size += lines[kept++]!.length + 1;
  return { text: kept === 0 ? "" : `${lines.slice(0, kept).join("\n")}\n`, dropped: lines.length - kept };
}
