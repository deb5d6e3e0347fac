import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readTreeSync, REPO, testdir, type Run } from "./helpers/cli.js";

/**
 * `paodin-fleet schemas [--check]`, the generator of paodin-fleet's own sources (src/generated/
 * and the README's field reference), as CI runs it: on a copy of the checkout, so that the
 * drift it reports and the files it rewrites are those of the copy. The package root is the
 * copy's for the modules under test.
 */
const root = vi.hoisted(() => ({ dir: "" }));
vi.mock("../src/package-root.js", () => ({ packageRoot: () => root.dir }));
// Loaded afresh, so that the mock applies also where a setup file has loaded the CLI before
// (test/helpers/stryker-setup.ts does).
vi.resetModules();
const { main } = await import("../src/cli/main.js");

async function run(argv: readonly string[], cwd: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, env: {}, stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) } });
  return { code, stdout, stderr };
}

const GENERATED = "src/generated";
let t: { dir: string; cleanup: () => void };

beforeEach(() => {
  t = testdir();
  root.dir = t.dir;
  for (const p of ["package.json", "README.md", "schemas", GENERATED, "src/schemas/typegen.ts"]) {
    mkdirSync(path.dirname(path.join(t.dir, p)), { recursive: true });
    cpSync(path.join(REPO, p), path.join(t.dir, p), { recursive: true });
  }
});
afterEach(() => t.cleanup());

const generated = (): Map<string, string> => readTreeSync(path.join(t.dir, GENERATED));
const count = readTreeSync(path.join(REPO, GENERATED)).size;
/**
 * The copy's sources made fresh, and what they then are. (The checkout's own are fresh too, as
 * CI checks, but a mutation tester's sandbox marks every TypeScript file it copies.)
 */
async function regenerated(): Promise<{ files: Map<string, string>; readme: string }> {
  expect(await run(["schemas"], t.dir)).toMatchObject({ code: 0, stderr: "" });
  return { files: generated(), readme: readFileSync(path.join(t.dir, "README.md"), "utf8") };
}

describe("schemas", () => {
  it("--check on fresh sources: 0, the number of files, nothing written", async () => {
    const before = (await regenerated()).files;
    expect(await run(["schemas", "--check"], t.dir)).toEqual({ code: 0, stdout: `src/generated/ and the README's field reference are up to date (${count} files).\n`, stderr: "" });
    expect(generated()).toEqual(before);
  });

  it("--check on stale sources: 2, each file marked added, changed or removed, in path order, and the README; nothing written. schemas then rewrites them", async () => {
    const fresh = await regenerated();
    const types = [...fresh.files.keys()].filter((p) => p.endsWith(".ts") && p !== "validators.ts").sort();
    const [changed, removed] = [types[0]!, types[1]!];
    writeFileSync(path.join(t.dir, GENERATED, changed), "// edited by hand\n");
    rmSync(path.join(t.dir, GENERATED, removed));
    writeFileSync(path.join(t.dir, GENERATED, "zz-stray.ts"), "export {};\n");
    writeFileSync(path.join(t.dir, "README.md"), fresh.readme.replace("<!-- fields:end -->", "a line of our own\n<!-- fields:end -->"));
    const stale = generated();

    const want = [`~ ${GENERATED}/${changed}`, `+ ${GENERATED}/${removed}`, `- ${GENERATED}/zz-stray.ts`].sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1));
    expect(await run(["schemas", "--check"], t.dir)).toEqual({
      code: 2,
      stdout: `Generated files are stale; run \`npm run schemas\`:\n${[...want, "~ README.md (field reference)"].map((s) => `  ${s}\n`).join("")}`,
      stderr: "",
    });
    expect(generated()).toEqual(stale);

    expect(await run(["schemas"], t.dir)).toEqual({ code: 0, stdout: `Generated ${count} type files in src/generated/ and the README's field reference (4 changed).\n`, stderr: "" });
    expect(generated()).toEqual(fresh.files);
    expect(readFileSync(path.join(t.dir, "README.md"), "utf8")).toBe(fresh.readme);
    expect(await run(["schemas", "--check"], t.dir)).toMatchObject({ code: 0 });
  });

  it("a package.json whose schemas script is not paodin-fleet's: the advice names the command itself", async () => {
    await regenerated();
    writeFileSync(path.join(t.dir, "package.json"), JSON.stringify({ name: "x", scripts: { schemas: "make schemas" } }));
    rmSync(path.join(t.dir, GENERATED, "validators.ts"));
    expect(await run(["schemas", "--check"], t.dir)).toEqual({
      code: 2,
      stdout: `Generated files are stale; run \`paodin-fleet schemas\`:\n  + ${GENERATED}/validators.ts\n`,
      stderr: "",
    });
  });

  it("without a README: the types alone are generated and checked", async () => {
    const fresh = (await regenerated()).files;
    rmSync(path.join(t.dir, "README.md"));
    expect(await run(["schemas", "--check"], t.dir)).toMatchObject({ code: 0 });
    rmSync(path.join(t.dir, GENERATED), { recursive: true });
    expect(await run(["schemas"], t.dir)).toEqual({ code: 0, stdout: `Generated ${count} type files in src/generated/ and the README's field reference (${count} changed).\n`, stderr: "" });
    expect(generated()).toEqual(fresh);
    expect(existsSync(path.join(t.dir, "README.md"))).toBe(false);
  });

  it("outside paodin-fleet's source checkout (an installed package): a usage error, nothing written", async () => {
    rmSync(path.join(t.dir, "src/schemas"), { recursive: true });
    rmSync(path.join(t.dir, GENERATED, "validators.ts"));
    const before = generated();
    for (const argv of [["schemas"], ["schemas", "--check"]]) {
      const r = await run(argv, t.dir);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        "paodin-fleet: `paodin-fleet schemas` regenerates paodin-fleet's own TypeScript sources and runs only in its source checkout; an installed paodin-fleet is never changed. " +
          "To use your operator's CRDs, run `paodin-fleet schemas import CRD.yaml...`: it writes schemas/monitoring.paodin.io/ in your repository, which validation and the rendered CRDs then use\n" +
          "Run `paodin-fleet --help` for usage.\n",
      );
    }
    expect(generated()).toEqual(before);
  });
});
