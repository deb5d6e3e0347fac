import Handlebars from "handlebars";
import { describeId, isKustomizeFile, kindAndGroup, type ChangeKind, type ClusterDiff, type Counts, type FleetDiff, type ObjectChange } from "./diff.js";
import { code, fmt, listedNames, listNames, sectionsOf, type ObjectGroup, type Section } from "./diff-group.js";
import { toJsonText } from "../emit/yaml.js";

/** GitHub and GitLab cap one comment at 65,536 characters; a diff longer than that is split, never cut off. */
export const COMMENT_LIMIT = 65_536;
/**
 * Longest patch shown for one object before it is shortened, with a note: a changed object's
 * patch up to most of a comment; a whole object added (an added CRD is ~70 KB on its own) or
 * kept, less, since the file is in the pull request anyway.
 */
const PATCH_LIMIT: Record<ChangeKind, number> = { changed: 48_000, added: 12_000, removed: 12_000, kept: 12_000 };
/** Shorter and shorter, for a template that makes one object too long for a comment. */
const FALLBACK_LIMITS = [12_000, 2_000, 0] as const;
/** The summary table and each list of names stay within these, saying what they leave out. */
const TABLE_LIMIT = 16_000;
const LIST_LIMIT = 1_500;
const ROW_LIST_LIMIT = 200;
const ROW_ITEMS = 5;
const SIGN: Record<ChangeKind, string> = { added: "+", changed: "~", removed: "-", kept: "=" };

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

function counts(c: Counts): string {
  return `${fmt(c.added)} added, ${fmt(c.changed)} changed, ${fmt(c.removed)} removed${c.kept > 0 ? `, ${fmt(c.kept)} kept in the cluster` : ""}`;
}

/** Only what there is: `2 changed`, `3 added, 1 kept in the cluster`. */
function shortCounts(c: Counts): string {
  const parts = [
    c.added > 0 ? `${fmt(c.added)} added` : "",
    c.changed > 0 ? `${fmt(c.changed)} changed` : "",
    c.removed > 0 ? `${fmt(c.removed)} removed` : "",
    c.kept > 0 ? `${fmt(c.kept)} kept in the cluster` : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}

function overlayCounts(c: ClusterDiff): string {
  const what = shortCounts(c);
  return c.status === "added" ? `new overlay: ${what}` : c.status === "removed" ? `removed overlay: ${what}` : what;
}

export function summary(d: FleetDiff): string {
  if (d.clusters.length === 0) return "no changes";
  const n = d.clusters.length;
  return `${fmt(n)} overlay${n === 1 ? "" : "s"} change: ${counts(d)}`;
}

const KEPT_TEXT = "no longer rendered: stays in the cluster as last applied (Argo CD and Flux never prune it)";

export function formatText(d: FleetDiff, style: TextStyle = PLAIN_TEXT): string {
  const out: string[] = [`paodin-fleet diff: ${summary(d)}`];
  for (const c of d.clusters) {
    out.push("", style.bold(`${c.cluster} (${overlayCounts(c)})`));
    for (const o of c.objects) {
      const note = o.change === "kept" ? ` (${KEPT_TEXT})` : o.hiddenChange ? " (hidden values changed)" : "";
      out.push(`  ${SIGN[o.change]} ${describeId(o.id)}${note}`);
      const body = o.change === "kept" ? (o.last ?? "") : o.patch;
      for (const line of body.split("\n")) {
        if (line === "") continue; // the end of the last line, and blank lines
        const colour =
          o.change === "kept" ? (s: string) => s : line.startsWith("@@") ? style.hunk : line.startsWith("+") ? style.add : line.startsWith("-") ? style.del : (s: string) => s;
        out.push(`      ${colour(line)}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

export function formatJson(d: FleetDiff): string {
  return toJsonText(d);
}

/** One object (or a group of objects that change alike) in a comment. */
export interface ObjectData {
  readonly sign: string;
  readonly change: ChangeKind;
  /** HTML (for `<summary>`): kind, group, namespace and name. */
  readonly title: string;
  readonly note: string;
  /** Markdown: for a group, which clusters' objects change alike and which one is shown. */
  readonly where: string;
  /** A `kept` object: it leaves the rendering but stays in the cluster; `patch` is its last value. */
  readonly kept: boolean;
  readonly keptNote: string;
  readonly fence: string;
  /** `diff`, or `yaml` for a kept object's last value. */
  readonly lang: string;
  readonly patch: string;
  readonly shown: boolean;
  /** Why the patch is not shown, when it is not. */
  readonly why: string;
}

/** Overlays that change alike (or one overlay), or the part of them that goes into one comment. */
export interface SectionData {
  /** Markdown: the overlay, or the overlays, and what changes. */
  readonly heading: string;
  /** The section began in an earlier comment. */
  readonly continued: boolean;
  /** Markdown paragraphs: which overlays change alike, which do not (first part only). */
  readonly notes: readonly string[];
  readonly objects: readonly ObjectData[];
  /** The first overlay's name and counts (as templates before sections had them). */
  readonly cluster: string;
  readonly counts: string;
}

/** The data a markdown template receives for one comment. */
export interface CommentData {
  readonly summary: string;
  readonly empty: boolean;
  readonly part: number;
  readonly parts: number;
  readonly multipart: boolean;
  readonly first: boolean;
  /** Markdown paragraphs naming new and removed overlays (first comment only). */
  readonly overlayNotes: readonly string[];
  /** What changes, one row per section: the overlays and their changes (first comment only). */
  readonly table: readonly { overlays: string; changes: string; cluster: string; added: number; changed: number; removed: number; kept: number }[];
  /** Rows left out of the table to keep it within a comment (every change is still below). */
  readonly tableMore: number;
  readonly tableOmitted: boolean;
  readonly sections: readonly SectionData[];
  /** The same as `sections` (the name templates before sections used). */
  readonly clusters: readonly SectionData[];
}

export const DEFAULT_MARKDOWN_TEMPLATE = `### paodin-fleet: {{summary}}{{#if multipart}} (comment {{part}} of {{parts}}){{/if}}
{{#if first}}{{#unless empty}}{{#each overlayNotes}}
{{this}}
{{/each}}

| overlays | what changes |
|---|---|
{{#each table}}| {{overlays}} | {{changes}} |
{{/each}}{{#if tableMore}}
_{{tableMore}} more rows are left out of this table to keep it short; every change is below._
{{/if}}{{/unless}}{{/if}}{{#each sections}}
#### {{heading}}{{#if continued}} (continued){{/if}}
{{#each notes}}

{{this}}
{{/each}}{{#each objects}}
<details><summary>{{sign}} {{title}}{{#if note}} <em>({{note}})</em>{{/if}}</summary>

{{#if where}}{{where}}

{{/if}}{{#if kept}}{{keptNote}}

{{/if}}{{#if shown}}{{fence}}{{lang}}
{{patch}}{{fence}}
{{else}}_Not shown: {{why}}. Run \`paodin-fleet diff\` locally._
{{/if}}</details>
{{/each}}{{/each}}`;

/** Compiles a comment template (the default, or a user's): plain Handlebars over CommentData, no HTML escaping. */
export function compileTemplate(source: string): (data: CommentData) => string {
  const env = Handlebars.create();
  return env.compile<CommentData>(source, { noEscape: true, strict: false });
}

/** An object group of a section, ready to show at each level of shortening. */
interface PreparedObject {
  readonly group: ObjectGroup;
  readonly base: Omit<ObjectData, "note" | "patch" | "shown" | "why">;
  readonly notes: readonly string[];
  /** The text at each level: 0 as far as PATCH_LIMIT, then FALLBACK_LIMITS. */
  readonly levels: readonly { readonly text: string; readonly dropped: number }[];
}

interface PreparedSection {
  readonly section: Section;
  readonly heading: string;
  readonly notes: readonly string[];
  readonly objects: readonly PreparedObject[];
}

/** Part of a section in one comment: its objects (by index) and how far each is shortened. */
interface Chunk {
  readonly section: number;
  readonly objects: { index: number; level: number }[];
}

const LEVELS = 1 + FALLBACK_LIMITS.length;

/**
 * The diff as markdown comments, each within `limit` characters, in order. Overlays that
 * change alike are one section; sections, and the objects in them, are packed greedily, a
 * section going on in the next comment ("continued") where it does not fit. Only an object too
 * long for a comment of its own is shortened, and says so. The template's output is measured,
 * so a user's template is held to the limit too.
 */
export function formatMarkdown(d: FleetDiff, template: (data: CommentData) => string, limit = COMMENT_LIMIT): string[] {
  const universe = new Map(d.overlays.map((o, i) => [o, i] as const));
  for (const c of d.clusters) if (!universe.has(c.cluster)) universe.set(c.cluster, universe.size);
  const sections = sectionsOf(d).map((s) => prepareSection(d, s, universe));
  const first = firstCommentData(d, sections, universe);

  const dataOf = (chunks: readonly Chunk[], part: number, parts: number, seen: Set<number>): CommentData => {
    const sectionData = chunks.map((ch) => {
      const p = sections[ch.section]!;
      const continued = seen.has(ch.section);
      seen.add(ch.section);
      return sectionDataOf(p, continued, ch.objects);
    });
    const isFirst = part === 1;
    return {
      summary: summary(d),
      empty: d.clusters.length === 0,
      part,
      parts,
      multipart: parts > 1,
      first: isFirst,
      overlayNotes: isFirst ? first.overlayNotes : [],
      table: isFirst ? first.table : [],
      tableMore: isFirst ? first.tableMore : 0,
      tableOmitted: isFirst && first.tableMore > 0,
      sections: sectionData,
      clusters: sectionData,
    };
  };
  const render = (chunks: readonly Chunk[], part: number, parts: number, seen = new Set<number>()): string =>
    template(dataOf(chunks, part, parts, seen));

  // Sizes measured once each, by rendering the template around one piece at a time.
  const margin = 64; // part numbers grow by a few digits between packing and the final render
  const budget = limit - margin;
  const skeletonFirst = render([], 1, 99_999).length;
  const skeleton = render([], 99_999, 99_999).length;
  const headerSizes = new Map<string, number>();
  const headerSize = (s: number, continued: boolean): number => {
    const key = `${s}:${continued}`;
    let n = headerSizes.get(key);
    if (n === undefined) {
      const seen = new Set<number>(continued ? [s] : []);
      headerSizes.set(key, (n = Math.max(0, render([{ section: s, objects: [] }], 99_999, 99_999, seen).length - skeleton)));
    }
    return n;
  };
  const objectSizes = new Map<string, number>();
  const objectSize = (s: number, index: number, level: number): number => {
    const key = `${s}:${index}:${level}`;
    let n = objectSizes.get(key);
    if (n === undefined) {
      const without = skeleton + headerSize(s, false);
      objectSizes.set(key, (n = Math.max(0, render([{ section: s, objects: [{ index, level }] }], 99_999, 99_999).length - without)));
    }
    return n;
  };

  const comments: Chunk[][] = [];
  let current: Chunk[] = [];
  let size = skeletonFirst;
  const newComment = (): void => {
    comments.push(current);
    current = [];
    size = skeleton;
  };
  sections.forEach((p, s) => {
    let placedBefore = false;
    p.objects.forEach((_, index) => {
      const inCurrent = () => current.length > 0 && current.at(-1)!.section === s;
      const need = (level: number) => objectSize(s, index, level) + (inCurrent() ? 0 : headerSize(s, placedBefore));
      // The first comment may hold the summary alone, when the first object does not fit beside
      // it; every later comment holds an object (the one that opened it) before it is closed.
      if (size + need(0) > budget) newComment();
      let level = 0;
      while (level < LEVELS - 1 && size + need(level) > budget) level++;
      const n = need(level);
      if (!inCurrent()) current.push({ section: s, objects: [] });
      current.at(-1)!.objects.push({ index, level });
      size += n;
      placedBefore = true;
    });
  });
  comments.push(current);
  return finish(comments, render, limit);
}

/**
 * Renders the comments with their final numbers and checks each against the limit (a template
 * need not add up piece by piece): one that is over is split in two, or its only object
 * shortened further; what is still over after that (a template that is too long by itself) is
 * cut at the limit with a note saying so.
 */
function finish(layout: Chunk[][], render: (chunks: readonly Chunk[], part: number, parts: number, seen?: Set<number>) => string, limit: number): string[] {
  // Only the first comment can be empty (the summary alone, or no changes at all).
  let comments = layout;
  // Settles: each round splits a comment of several objects or shortens a lone object one level,
  // and both can happen only so often.
  for (;;) {
    const seen = new Set<number>();
    const texts = comments.map((c, i) => render(c, i + 1, comments.length, seen));
    let fixed = false;
    for (const [i, t] of texts.entries()) {
      if (t.length <= limit) continue;
      const chunks = comments[i]!;
      const objects = chunks.flatMap((ch) => ch.objects);
      if (objects.length > 1) {
        const [a, b] = splitChunks(chunks, Math.floor(objects.length / 2));
        comments = [...comments.slice(0, i), a, b, ...comments.slice(i + 1)];
        fixed = true;
        break;
      }
      if (objects.length === 1 && objects[0]!.level < LEVELS - 1) {
        objects[0]!.level++;
        fixed = true;
        break;
      }
    }
    if (fixed) continue;
    const note = `\n\n_This comment was cut at ${fmt(limit)} characters: the template makes it longer than a comment can be._\n`;
    return texts.map((t) => {
      if (t.length <= limit) return t;
      const cut = t.slice(0, limit - note.length);
      return cut.slice(0, Math.max(0, cut.lastIndexOf("\n"))) + note;
    });
  }
}

/** The first `n` objects of a comment, and the rest. */
function splitChunks(chunks: readonly Chunk[], n: number): [Chunk[], Chunk[]] {
  const a: Chunk[] = [];
  const b: Chunk[] = [];
  let taken = 0;
  for (const ch of chunks) {
    const head = ch.objects.slice(0, Math.max(0, n - taken));
    const tail = ch.objects.slice(head.length);
    if (head.length > 0) a.push({ section: ch.section, objects: head.map((o) => ({ ...o })) });
    if (tail.length > 0) b.push({ section: ch.section, objects: tail.map((o) => ({ ...o })) });
    taken += head.length;
  }
  return [a, b];
}

function sectionDataOf(p: PreparedSection, continued: boolean, objects: readonly { index: number; level: number }[]): SectionData {
  const rep = p.section.overlays[0]!;
  return {
    heading: p.heading,
    continued,
    notes: continued ? [] : p.notes,
    objects: objects.map(({ index, level }) => objectDataOf(p.objects[index]!, level)),
    cluster: rep.cluster,
    counts: counts(rep),
  };
}

function objectDataOf(p: PreparedObject, level: number): ObjectData {
  const { text, dropped } = p.levels[level]!;
  const notes = [...p.notes, dropped > 0 && text !== "" ? `${fmt(dropped)} more ${dropped === 1 ? "line" : "lines"} not shown` : ""].filter((n) => n !== "");
  return {
    ...p.base,
    note: notes.join("; "),
    patch: text,
    shown: text !== "",
    // Level 0 is the longest: when it is empty, every level is.
    why: p.levels[0]!.text === "" ? "nothing to show" : "too long for a comment",
  };
}

function prepareSection(d: FleetDiff, s: Section, universe: ReadonlyMap<string, number>): PreparedSection {
  const rep = s.overlays[0]!;
  const names = s.overlays.map((o) => o.cluster);
  let heading: string;
  const notes: string[] = [];
  if (names.length === 1) {
    heading = `${code(rep.cluster)} (${overlayCounts(rep)})`;
  } else {
    const what = s.status === "added" ? "new overlays" : s.status === "removed" ? "removed overlays" : "overlays";
    // The heading names them all when that is short; else the first, and a paragraph the rest.
    const short = listedNames(names, universe, 160);
    const complete = short.rest === 0;
    heading = `${complete ? short.text : `${code(rep.cluster)} and ${fmt(names.length - 1)} more`}: the same change in ${fmt(names.length)} ${what} (each: ${shortCounts(rep)})`;
    if (!complete) notes.push(`The same change in ${fmt(names.length)} ${what}: ${listNames(names, universe, LIST_LIMIT)}.`);
    if (!rep.cluster.startsWith("_")) notes.push(`Shown as in ${code(rep.cluster)}: each overlay has its own name where ${code(rep.cluster)} appears.`);
    const mine = new Set(names);
    const changed = new Set(d.clusters.map((c) => c.cluster));
    const others = d.overlays.filter((o) => !o.startsWith("_") && !mine.has(o));
    const otherwise = others.filter((o) => changed.has(o));
    const unchanged = others.filter((o) => !changed.has(o));
    if (otherwise.length > 0) notes.push(`Changed otherwise, in other sections: ${listNames(otherwise, universe, LIST_LIMIT)}.`);
    if (unchanged.length > 0) notes.push(`Unchanged: ${listNames(unchanged, universe, LIST_LIMIT)}.`);
  }
  return { section: s, heading, notes, objects: s.groups.map((g) => prepareObject(g, universe)) };
}

function prepareObject(g: ObjectGroup, universe: ReadonlyMap<string, number>): PreparedObject {
  const o = g.objects[0]!;
  const body = o.change === "kept" ? (o.last ?? "") : o.patch;
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const more = g.objects.length - 1;
  let where = "";
  if (more > 0) {
    // Objects change alike only through their subjects: without one, an object's own id is part
    // of its key (sameChangeKey), and ids are unique within an overlay.
    const subjects = g.objects.map((x) => x.subject!);
    where = `The same change for ${fmt(g.objects.length)} clusters: ${listNames(subjects, universe, LIST_LIMIT)}. Shown for ${code(subjects[0]!)}; each has its own name in its place.`;
  }
  // Empty notes are dropped with the level's own, in objectDataOf.
  const notes = [o.hiddenChange ? "hidden values changed" : "", o.change === "kept" ? "stays in the cluster" : ""];
  return {
    group: g,
    base: {
      sign: SIGN[o.change],
      change: o.change,
      title: `${titleOf(o)}${more > 0 ? ` and ${fmt(more)} more like it` : ""}`,
      where,
      kept: o.change === "kept",
      keptNote:
        o.change === "kept"
          ? "No longer rendered, but it stays in the cluster with its last value: it is annotated so that neither Argo CD nor Flux prunes or deletes it. Change or remove those fields by hand if they should go. As last applied:"
          : "",
      fence: "`".repeat(Math.max(3, longest + 1)),
      lang: o.change === "kept" ? "yaml" : "diff",
    },
    notes,
    levels: [PATCH_LIMIT[o.change], ...FALLBACK_LIMITS].map((max) => shorten(body, max)),
  };
}

function titleOf(o: ObjectChange): string {
  if (isKustomizeFile(o.id)) return `<code>${html(o.id.name)}</code>`;
  return `${html(kindAndGroup(o.id))} <code>${html(`${o.id.namespace !== undefined ? `${o.id.namespace}/` : ""}${o.id.name}`)}</code>`;
}

/** One row per section; rows past TABLE_LIMIT are counted, not shown. New and removed overlays named. */
function firstCommentData(d: FleetDiff, sections: readonly PreparedSection[], universe: ReadonlyMap<string, number>): Pick<CommentData, "overlayNotes" | "table" | "tableMore"> {
  const table: CommentData["table"][number][] = [];
  let size = 0;
  let tableMore = 0;
  for (const p of sections) {
    const s = p.section;
    const rep = s.overlays[0]!;
    const names = s.overlays.map((o) => o.cluster);
    const status = s.status === "added" ? " (new)" : s.status === "removed" ? " (removed)" : "";
    const overlays = names.length === 1 ? `${code(rep.cluster)}${status}` : `${listNames(names, universe, ROW_LIST_LIMIT)} (${fmt(names.length)}${status === "" ? "" : `, ${status.slice(2, -1)}`})`;
    const items = s.groups.slice(0, ROW_ITEMS).map((g) => {
      const o = g.objects[0]!;
      const name = isKustomizeFile(o.id) ? code(o.id.name) : `${kindAndGroup(o.id)} ${code(`${o.id.namespace !== undefined ? `${o.id.namespace}/` : ""}${o.id.name}`)}`;
      return `${SIGN[o.change]} ${name}${g.objects.length > 1 ? ` and ${fmt(g.objects.length - 1)} more like it` : ""}${o.change === "kept" ? " (stays in the cluster)" : ""}`;
    });
    if (s.groups.length > ROW_ITEMS) items.push(`and ${fmt(s.groups.length - ROW_ITEMS)} more`);
    const row = { overlays: cell(overlays), changes: cell(items.join("<br>")), cluster: rep.cluster, added: rep.added, changed: rep.changed, removed: rep.removed, kept: rep.kept };
    const rowSize = row.overlays.length + row.changes.length + 8;
    if (tableMore > 0 || (table.length > 0 && size + rowSize > TABLE_LIMIT)) {
      tableMore++;
      continue;
    }
    table.push(row);
    size += rowSize;
  }
  const overlayNotes: string[] = [];
  const added = d.clusters.filter((c) => c.status === "added").map((c) => c.cluster);
  const removed = d.clusters.filter((c) => c.status === "removed").map((c) => c.cluster);
  if (added.length > 0) overlayNotes.push(`**New overlay${added.length === 1 ? "" : "s"} (${fmt(added.length)}):** ${listNames(added, universe, LIST_LIMIT)}.`);
  if (removed.length > 0) {
    overlayNotes.push(
      `**Removed overlay${removed.length === 1 ? "" : "s"} (${fmt(removed.length)}):** ${listNames(removed, universe, LIST_LIMIT)}. The objects the fleet only patches stay in ${removed.length === 1 ? "that cluster" : "those clusters"} with their last values (marked = below).`,
    );
  }
  return { overlayNotes, table, tableMore };
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The text up to `max` characters, cut at a line boundary. */
function shorten(text: string, max: number): { text: string; dropped: number } {
  if (text.length <= max) return { text, dropped: 0 };
  const lines = text.replace(/\n$/, "").split("\n");
  let size = 0;
  let kept = 0;
  while (kept < lines.length && size + lines[kept]!.length + 1 <= max) size += lines[kept++]!.length + 1;
  return { text: kept === 0 ? "" : `${lines.slice(0, kept).join("\n")}\n`, dropped: lines.length - kept };
}
