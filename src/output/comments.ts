import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `diff --split-dir`: one file per pull-request comment, named so that a shell glob
 * (`for f in dir/comment-*.md`) lists them in order: `comment-001.md`, `comment-002.md`…, all
 * of one width (three digits, more when there are more comments). The directory ends up
 * holding this run's comments only: files of that pattern from an earlier run are removed,
 * and nothing else in it is touched.
 */

/** What an earlier run may have written (any width). */
const COMMENT_FILE = /^comment-[0-9]+\.md$/;

export function commentFileNames(count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => `comment-${String(i + 1).padStart(width, "0")}.md`);
}

/** Writes the comments into `dir` (made if need be), then removes stale comment files; returns the names written. */
export function writeComments(dir: string, comments: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const names = commentFileNames(comments.length);
  names.forEach((name, i) => writeFileSync(path.join(dir, name), comments[i]!));
  const current = new Set(names);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (COMMENT_FILE.test(e.name) && !current.has(e.name) && !e.isDirectory()) unlinkSync(path.join(dir, e.name));
  }
  return names;
}
