import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/cli.js";

/**
 * `npm run mutation:module` (scripts/mutation.mjs) runs StrykerJS one group of modules at a time:
 * together the groups must cover every module `npm run mutation` mutates, each once, and name
 * only test files that exist (a renamed test would silently drop out of a group's score).
 */
describe("mutation groups", () => {
  const groups = JSON.parse(execFileSync(process.execPath, [path.join(REPO, "scripts/mutation.mjs"), "--groups"], { encoding: "utf8" })) as Record<string, { mutate: string[]; tests: string[] }>;

  it("cover every mutated module exactly once", () => {
    const config = JSON.parse(readFileSync(path.join(REPO, "stryker.config.json"), "utf8")) as { mutate: string[] };
    const files = (globs: string[]) => fg.sync(globs.filter((g) => !g.startsWith("!")), { cwd: REPO, ignore: globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1)) }).sort();
    const grouped = Object.values(groups).flatMap((g) => files(g.mutate));
    expect(grouped.sort()).toEqual(files(config.mutate));
  });

  it("name test files that exist", () => {
    const missing = Object.entries(groups).flatMap(([name, g]) => g.tests.filter((t) => !existsSync(path.join(REPO, "test", `${t}.test.ts`))).map((t) => `${name}: ${t}`));
    expect(missing).toEqual([]);
  });
});
