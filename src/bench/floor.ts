/**
 * The physical floor: a plain Node.js process that writes the same files a render writes,
 * read from one JSON file, with nothing else to do. The bench times it the way it times
 * the CLI, as a new process.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [input, out] = process.argv.slice(2) as [string, string];
const files = JSON.parse(readFileSync(input, "utf8")) as [string, string][];
const made = new Set<string>();
for (const [rel, content] of files) {
  const target = path.join(out, rel);
  const dir = path.dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  writeFileSync(target, content);
}
