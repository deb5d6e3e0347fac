import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach } from "vitest";
import { main } from "../../src/cli/main.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const SHARED = path.resolve(REPO, "..", "shared");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as the bin would, in `cwd`. */
export async function run(argv: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    env: { ...env },
    stdout: { write: (s: string) => void (stdout += s) },
    stderr: { write: (s: string) => void (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** A temporary directory holding `files` (path → content); removed by `cleanup`. */
export function testdir(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "paodin-fleet-test-"));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The example fleet's files, for tests that start from it and change something. */
export function exampleFleet(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(REPO, "clusters")).sort()) {
    out[`clusters/${name}`] = readFileSync(path.join(REPO, "clusters", name), "utf8");
  }
  return out;
}

/** Every file under `dir` as path → content, `/`-separated, sorted. */
export function readTreeSync(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out.set(r, readFileSync(path.join(dir, r), "utf8"));
    }
  };
  walk("");
  return out;
}

/**
 * A describe block's shared set-up, run once by whichever of its tests runs first, in a
 * beforeEach rather than a beforeAll: StrykerJS counts what a beforeAll runs as covered by no
 * test in particular ("static") and runs every selected test for each such mutant.
 */
export function firstTestSetup(setUp: () => Promise<void> | void): void {
  let ready: Promise<void> | undefined;
  beforeEach(async () => {
    ready ??= (async () => setUp())();
    await ready;
  });
}
