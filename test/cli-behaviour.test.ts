import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { processIo } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { terminalProgress } from "../src/cli/progress.js";
import { DEFAULT_MARKDOWN_TEMPLATE } from "../src/output/diff-format.js";
import { REPO, exampleFleet, firstTestSetup, readTreeSync, run, testdir, type Run } from "./helpers/cli.js";

/**
 * What a user of the CLI sees, exactly: the help texts, the usage errors, the exit codes and
 * their messages, the project root found from where a command runs, the output directories a
 * render refuses, init's files and messages, colour only where it belongs, progress on a
 * terminal, and the process's own streams. Everything runs in-process (test/helpers/cli.ts).
 */

const MAIN_HELP = `Usage: paodin-fleet <command> [options]

Multi-cluster monitoring for KubeSphere with the paodin operator, managed the GitOps way:
describe the fleet in clusters/*.yaml, render one kustomize overlay per cluster.

Commands:
  init       make a working fleet in this directory (clusters/, overlays/, npm scripts, CI)
  render     validate the fleet and render overlays/ (--check: fail when it is stale)
  validate   validate the fleet only
  diff       show what a render would change, for pull-request review
  schemas    schemas import: your operator's CRDs to JSON Schemas, used from then on;
             schemas: generate paodin-fleet's TypeScript types (its source checkout only)

Commands work on the fleet of the nearest directory, from here up, that has clusters/.

Run \`paodin-fleet <command> --help\` for a command's options.
Exit codes: 0 success, 1 invalid fleet (init: a file it would write is there), 2 drift
(--check), 64 usage error, 70 internal error, 74 environment error (disk full, read-only,
permissions, mount point, locked).
`;

const RENDER_HELP = `Usage: paodin-fleet render [options]

Validate the fleet and render one kustomize overlay per cluster, plus the Argo CD
ApplicationSet and Flux Kustomizations that sync them.

Options:
  --clusters DIR     the fleet's directory (default: clusters, in the nearest directory
                     from here up that has one)
  --out DIR          the output directory (default: overlays, beside clusters)
  --cluster NAME     render only this cluster's overlay; repeatable. Others are left as
                     they are; the host still sees every member.
  --check            write nothing; exit 2 and list what would change if the output is stale
  --json             print the result as JSON
  --strict           fail on warnings too (operator defects, unused overrides)
  --allow-outside    allow an output directory outside the project
  -h, --help         show this help

One render at a time per output directory: a second one waits for the first. A render
that was interrupted (killed) is completed or cleaned up by the next one, which says so.

Exit codes: 0 done (or up to date), 1 invalid fleet (or a file in the output directory
that paodin-fleet did not generate is in the way), 2 --check found drift, 64 usage error,
74 environment error (disk full, read-only, permissions, mount point, locked).
`;

const VALIDATE_HELP = `Usage: paodin-fleet validate [options]

Check the fleet as a render would (schemas, templates, referenced files, rendered
objects) without writing anything.

Options:
  --clusters DIR   the fleet's directory (default: clusters, in the nearest directory
                   from here up that has one)
  --json           print the result as JSON
  --strict         fail on warnings too (operator defects, unused overrides)
  -h, --help       show this help

Exit codes: 0 valid, 1 invalid fleet (every problem is listed), 64 usage error.
`;

const DIFF_HELP = `Usage: paodin-fleet diff [options]

Show what a render would change, per overlay and object, for pull-request review.
Secret data is never shown.

Options:
  --clusters DIR       the fleet's directory (default: clusters, in the nearest directory
                       from here up that has one)
  --out DIR            the output directory (default: overlays, beside clusters)
  --against DIR|REF    compare with another directory, or with the output directory as
                       committed at a git ref, read from git's objects (default: the
                       output directory as it is now)
  --format FORMAT      text (default; coloured on a terminal), markdown or json
  --template FILE      markdown: a Handlebars template for one comment, instead of the default
  --split-dir DIR      markdown: write each comment (at most 65,536 characters) to
                       DIR/comment-001.md, comment-002.md… (in order as a shell glob
                       lists them; earlier runs' comment files there are removed)
  --exit-code          exit 2 when there are changes
  --strict             fail on warnings too (operator defects, unused overrides)
  -h, --help           show this help

Markdown output longer than one comment is split into several, printed one after another
with the line "<!-- paodin-fleet: next comment -->" between them.
`;

const INIT_HELP = `Usage: paodin-fleet init [--mode central|scattered] [--host NAME] [--members a,b,c]

Make a working fleet in this directory (your repository's root): clusters/ with the Fleet
and one file per cluster, overlays/ rendered from it, the npm scripts render, validate and
diff in package.json, a CI workflow for GitHub Actions (.github/workflows/paodin-fleet.yml)
and one for GitLab (.gitlab-ci.yml), and .gitignore entries. The YAML files link their
schemas for editor completion. Nothing that exists is overwritten: init stops, writing
nothing, when a file it would write is there (package.json gets its scripts added, and
.gitignore its missing lines appended).

Options:
  --mode MODE        central (default: every cluster writes to the host) or scattered
                     (the host queries every member's Thanos sidecar)
  --host NAME        the host cluster's name (default: host)
  --members NAMES    the member clusters' names, comma-separated (default: member-1,member-2)
  -h, --help         show this help

Exit codes: 0 done, 1 a file init would write exists (or the fleet it wrote is invalid), 64
usage error, 74 environment error (disk full, read-only, permissions; it says what it wrote).
`;

const SCHEMAS_HELP = `Usage: paodin-fleet schemas [--check]
       paodin-fleet schemas import CRD.yaml... [--out DIR]

schemas          generate TypeScript types (src/generated/) from every JSON Schema in
                 schemas/; --check writes nothing and exits 2 when they are stale. Only in
                 paodin-fleet's own source checkout (it writes paodin-fleet's sources).
schemas import   turn CustomResourceDefinition manifests into JSON Schemas, one per kind
                 and version, named <group>/<kind>_<version>.json (default --out: schemas,
                 beside clusters/). The operator's, in schemas/monitoring.paodin.io/, are then what
                 the fleet is validated against and the host's CRDs are rendered from.

Options:
  --check      (schemas) fail when the generated types are stale
  --out DIR    (schemas import) where to write the schemas
  -h, --help   show this help
`;


const VERSION = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
const USAGE_TAIL = "\nRun `paodin-fleet --help` for usage.\n";
const usage = (message: string): { code: number; stdout: string; stderr: string } => ({ code: 64, stdout: "", stderr: `paodin-fleet: ${message}${USAGE_TAIL}` });

/** The CLI in-process, with terminals where asked (`run` has none). */
async function runTty(argv: readonly string[], cwd: string, options: { env?: Record<string, string>; out?: boolean; err?: boolean } = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    env: { ...options.env },
    stdout: { write: (s: string) => void (stdout += s), isTTY: options.out ?? false },
    stderr: { write: (s: string) => void (stderr += s), isTTY: options.err ?? false },
  });
  return { code, stdout, stderr };
}

const NO_FLEET =
  "no fleet here: neither this directory nor one above it (up to the top of the git repository) holds a clusters/ directory; run `paodin-fleet init` to make one, or name the fleet's directory with --clusters DIR";

/** The example fleet, with :30990 turned into :30991: every overlay changes. */
const drift = (files: Record<string, string>): Record<string, string> => ({ ...files, "clusters/fleet.yaml": files["clusters/fleet.yaml"]!.replace(":30990", ":30991") });

const RENDERED = "Rendered 3 clusters into overlays/: 30 added, 0 changed, 0 removed.\n";

describe("help, version and the command name", () => {
  it("no command: the help on stdout, exit 64", async () => {
    expect(await run([], os.tmpdir())).toEqual({ code: 64, stdout: MAIN_HELP, stderr: "" });
  });

  it.each([["help"], ["-h"], ["--help"]])("%s: the help on stdout, exit 0", async (arg) => {
    expect(await run([arg], os.tmpdir())).toEqual({ code: 0, stdout: MAIN_HELP, stderr: "" });
  });

  it.each([["--version"], ["-v"]])("%s: the package's version, exit 0", async (arg) => {
    expect(await run([arg], os.tmpdir())).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("an unknown command: 64, naming the commands; also with --json", async () => {
    const message = 'unknown command "rendr"; commands: init, render, validate, diff, schemas';
    expect(await run(["rendr"], os.tmpdir())).toEqual(usage(message));
    expect(await run(["rendr", "--json"], os.tmpdir())).toEqual(usage(message));
    expect(await run(["--verbose"], os.tmpdir())).toEqual(usage('unknown command "--verbose"; commands: init, render, validate, diff, schemas'));
  });

  it.each([
    ["render", "--help", RENDER_HELP],
    ["render", "-h", RENDER_HELP],
    ["validate", "--help", VALIDATE_HELP],
    ["validate", "-h", VALIDATE_HELP],
    ["diff", "--help", DIFF_HELP],
    ["diff", "-h", DIFF_HELP],
    ["init", "--help", INIT_HELP],
    ["init", "-h", INIT_HELP],
    ["schemas", "--help", SCHEMAS_HELP],
    ["schemas", "-h", SCHEMAS_HELP],
  ])("%s %s: its help, exit 0, nothing else done", async (command, flag, help) => {
    const { dir, cleanup } = testdir();
    try {
      expect(await run([command, flag], dir)).toEqual({ code: 0, stdout: help, stderr: "" });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("schemas import --help: the schemas help", async () => {
    expect(await run(["schemas", "import", "--help"], os.tmpdir())).toEqual({ code: 0, stdout: SCHEMAS_HELP, stderr: "" });
  });
});

describe("usage errors: exit 64, one message, the pointer to --help", () => {
  it.each([
    [["render", "--nope"], "Unknown option '--nope'"],
    [["render", "-x"], "Unknown option '-x'"],
    [["render", "--out"], "Option '--out <value>' argument missing"],
    [["render", "--json", "--nope"], "Unknown option '--nope'"],
    [["validate", "--clusters"], "Option '--clusters <value>' argument missing"],
    [["validate", "extra"], "Unexpected argument 'extra'. This command does not take positional arguments"],
    [["init", "extra"], "Unexpected argument 'extra'. This command does not take positional arguments"],
    [["diff", "--exit-code=yes"], "Option '--exit-code' does not take an argument"],
    [["schemas", "--nope"], "Unknown option '--nope'"],
    [["schemas", "import"], "schemas import needs at least one CRD file"],
    [["schemas", "import", "--out"], "Option '--out <value>' argument missing"],
    [["init", "--mode", "both"], '--mode must be central or scattered, not "both"'],
    [["init", "--members", "Member_1"], `cluster name "Member_1" is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)`],
    [["init", "--host", "-x-"], `Option '--host' has no value: "-x-" is read as an option; write --host=-x- if it is the value`],
    [["init", "--members", "a", "--members", "--b"], `Option '--members' has no value: "--b" is read as an option; write --members=--b if it is the value`],
    [["init", "--host=-x-"], `cluster name "-x-" is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)`],
    [["init", "--host", "a", "--members", "b,a"], 'cluster name "a" is given twice'],
    [["init", "--members", "b,c,b,c"], 'cluster name "b" is given twice'],
  ])("%j", async (argv, message) => {
    const { dir, cleanup } = testdir();
    try {
      expect(await run(argv, dir)).toEqual(usage(message));
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it("the options of diff, rejected before anything is rendered", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect(await run(["diff", "--format", "xml"], dir)).toEqual(usage('--format must be text, markdown or json, not "xml"'));
      expect(await run(["diff", "--template", "t.hbs"], dir)).toEqual(usage("--template and --split-dir go with --format markdown"));
      expect(await run(["diff", "--split-dir", "c", "--format", "json"], dir)).toEqual(usage("--template and --split-dir go with --format markdown"));
      expect(await run(["diff", "--format", "markdown", "--template", "nope.hbs"], dir)).toEqual(usage(`cannot read the template ${path.join(dir, "nope.hbs")}`));
      expect(await run(["diff", "--against", "no-such-ref"], dir)).toEqual(usage("--against no-such-ref is neither a directory nor a git ref"));
      expect(readdirSync(dir)).toEqual(["clusters"]);
    } finally {
      cleanup();
    }
  });
});

describe("errors: invalid fleet (1), environment (74), internal (70)", () => {
  const files = exampleFleet();
  const bad = { ...files, "clusters/host.yaml": files["clusters/host.yaml"]!.replace("role: host", "role: boss") };
  const ROLE = 'clusters/host.yaml:9:9 spec.role: must be "host" or "member"';

  it("one error: each issue on a line, then how many, and nothing on stdout", async () => {
    const { dir, cleanup } = testdir(bad);
    try {
      for (const argv of [["validate"], ["render"], ["render", "--check"], ["diff"]]) {
        expect(await run(argv, dir), argv.join(" ")).toEqual({ code: 1, stdout: "", stderr: `${ROLE}\n1 error; nothing was written.\n` });
      }
      expect(readdirSync(dir)).toEqual(["clusters"]);
    } finally {
      cleanup();
    }
  });

  it("two errors, said as such; in colour on a terminal only, never with NO_COLOR or TERM=dumb", async () => {
    const { dir, cleanup } = testdir({ ...bad, "clusters/members.yaml": files["clusters/members.yaml"]!.replace("name: member-1", "name: Member_1") });
    const NAME = "clusters/members.yaml:5:9 metadata.name: must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";
    const plainText = `${ROLE}\n${NAME}\n2 errors; nothing was written.\n`;
    try {
      expect(await run(["validate"], dir)).toEqual({ code: 1, stdout: "", stderr: plainText });
      const coloured = `\x1b[2mclusters/host.yaml:9:9 spec.role:\x1b[22m must be "host" or "member"\n\x1b[2m${NAME.replace(" must", ":\x1b[22m must").replace("name::", "name:")}\n2 errors; nothing was written.\n`;
      expect(await runTty(["validate"], dir, { err: true })).toEqual({ code: 1, stdout: "", stderr: coloured });
      expect(await runTty(["validate"], dir, { err: true, env: { TERM: "xterm-256color" } })).toEqual({ code: 1, stdout: "", stderr: coloured });
      // A terminal on stdout alone does not colour stderr.
      expect(await runTty(["validate"], dir, { out: true })).toEqual({ code: 1, stdout: "", stderr: plainText });
      for (const env of [{ NO_COLOR: "" }, { NO_COLOR: "1" }, { TERM: "dumb" }] as Record<string, string>[]) {
        expect(await runTty(["validate"], dir, { err: true, out: true, env }), JSON.stringify(env)).toEqual({ code: 1, stdout: "", stderr: plainText });
      }
    } finally {
      cleanup();
    }
  });

  it("warnings beside errors: listed, not counted as errors", async () => {
    const { dir, cleanup } = testdir(bad);
    try {
      mkdirSync(path.join(dir, "other"));
      symlinkSync("../other", path.join(dir, "clusters/sub"));
      expect(await run(["validate"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr: `${ROLE}\nclusters/sub warning is a link to a directory (other), which is not followed: the YAML files there are not part of the fleet\n1 error; nothing was written.\n`,
      });
    } finally {
      cleanup();
    }
  });

  it("--json anywhere after the command: the issues as JSON on stdout, nothing on stderr", async () => {
    const { dir, cleanup } = testdir(bad);
    try {
      const r = await run(["render", "--strict", "--json"], dir);
      expect(r).toEqual({ code: 1, stdout: `${JSON.stringify({ valid: false, issues: [{ severity: "error", code: "schema", file: "clusters/host.yaml", line: 9, col: 9, path: "spec.role", message: 'must be "host" or "member"' }] }, null, 2)}\n`, stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("warnings: printed, not counted as errors; --strict makes them errors; in colour on a terminal", async () => {
    const { dir, cleanup } = testdir(files);
    const WARNING = "is a link to a directory (other), which is not followed: the YAML files there are not part of the fleet";
    try {
      mkdirSync(path.join(dir, "other"));
      symlinkSync("../other", path.join(dir, "clusters/sub"));
      expect(await run(["validate"], dir)).toEqual({ code: 0, stdout: "The fleet is valid: central mode, host host and 2 members.\n", stderr: `clusters/sub warning ${WARNING}\n` });
      expect(await runTty(["validate"], dir, { err: true })).toEqual({
        code: 0,
        stdout: "The fleet is valid: central mode, host host and 2 members.\n",
        stderr: `\x1b[2mclusters/sub\x1b[22m \x1b[33mwarning\x1b[39m ${WARNING}\n`,
      });
      expect(await run(["validate", "--json"], dir)).toEqual({
        code: 0,
        stdout: `${JSON.stringify({ valid: true, mode: "central", host: "host", members: ["member-1", "member-2"], warnings: 1 }, null, 2)}\n`,
        stderr: "",
      });
      expect(await run(["validate", "--strict"], dir)).toEqual({ code: 1, stdout: "", stderr: `clusters/sub ${WARNING}\n1 error; nothing was written.\n` });
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: RENDERED, stderr: `clusters/sub warning ${WARNING}\n` });
      expect(await run(["render", "--strict"], dir)).toEqual({ code: 1, stdout: "", stderr: `clusters/sub ${WARNING}\n1 error; nothing was written.\n` });
      expect((await run(["diff"], dir)).stderr).toBe(`clusters/sub warning ${WARNING}\n`);
      expect(await run(["diff", "--strict"], dir)).toEqual({ code: 1, stdout: "", stderr: `clusters/sub ${WARNING}\n1 error; nothing was written.\n` });
    } finally {
      cleanup();
    }
  });

  it("validate: one member is said in the singular", async () => {
    const { dir, cleanup } = testdir();
    try {
      expect((await run(["init", "--members", "m1"], dir)).code).toBe(0);
      expect(await run(["validate"], dir)).toEqual({ code: 0, stdout: "The fleet is valid: central mode, host host and 1 member.\n", stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("an environment failure reaching the top: 74, one line with the path relative to the project and the cause", async () => {
    const { dir, cleanup } = testdir(drift(exampleFleet()));
    const long = "y".repeat(300);
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      expect(await run(["diff", "--format", "markdown", "--split-dir", long], dir)).toEqual({ code: 74, stdout: "", stderr: `paodin-fleet: cannot mkdir ${long}: file name too long (ENAMETOOLONG)\n` });
      // An EnvironmentError: its message as it is, on one line.
      const x = "x".repeat(300);
      expect(await run(["render", "--out", x], dir)).toEqual({
        code: 74,
        stdout: "",
        stderr: `paodin-fleet: cannot lock ${x}/: cannot write .${x}.paodin-fleet: file name too long (ENAMETOOLONG); ${x}/ is unchanged\n`,
      });
    } finally {
      cleanup();
    }
  });

  it("an internal error: 70, the message, the request to report it, then the stack trace", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: "not-a-rule" });
      expect(r.code).toBe(70);
      expect(r.stdout).toBe("");
      const message = 'PAODIN_FLEET_FAULTS: cannot read the rule "not-a-rule"';
      const lines = r.stderr.split("\n");
      expect(lines.slice(0, 3)).toEqual([`paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): ${message}`, "Please report it with this output and the command you ran.", `Error: ${message}`]);
      expect(lines[3]).toMatch(/^ {4}at /);
      expect(r.stderr.endsWith("\n")).toBe(true);
      expect(r.stderr).not.toContain("\n\n");
      // --json changes nothing for an internal error: still on stderr.
      const j = await run(["render", "--json"], dir, { PAODIN_FLEET_FAULTS: "not-a-rule" });
      expect(j.code).toBe(70);
      expect(j.stdout).toBe("");
      expect(j.stderr.split("\n")[0]).toBe(`paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): ${message}`);
    } finally {
      cleanup();
    }
  });
});

describe("the project root", () => {
  it("found from two levels down; defaults and messages relative to it; files written there", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "docs/notes/x.md": "" });
    try {
      const deep = path.join(dir, "docs/notes");
      expect(await run(["render"], deep)).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(existsSync(path.join(dir, "overlays/host/kustomization.yaml"))).toBe(true);
      expect(existsSync(path.join(deep, "overlays"))).toBe(false);
      expect(await run(["render", "--check"], deep)).toEqual({ code: 0, stdout: "overlays/ is up to date (30 files).\n", stderr: "" });
      // --out relative to where it is typed, shown relative to the root; "." from the root is the project itself.
      expect(await run(["render", "--out", "../../out"], deep)).toEqual({ code: 0, stdout: "Rendered 3 clusters into out/: 30 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(await run(["render", "--out", "out2"], deep)).toEqual({ code: 0, stdout: "Rendered 3 clusters into docs/notes/out2/: 30 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(existsSync(path.join(deep, "out2/host/kustomization.yaml"))).toBe(true);
      expect(await run(["render", "--out", "../.."], deep)).toEqual(usage("--out . is the project directory itself; render into a directory of its own, such as overlays"));
      // An absolute --out is shown as given.
      const abs = path.join(dir, "abs-out");
      expect(await run(["render", "--out", abs], deep)).toEqual({ code: 0, stdout: `Rendered 3 clusters into ${abs}/: 30 added, 0 changed, 0 removed.\n`, stderr: "" });
      // From the root, --out is shown as typed.
      expect(await run(["render", "--out", "./out3//"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into ./out3/: 30 added, 0 changed, 0 removed.\n", stderr: "" });
      expect(existsSync(path.join(dir, "out3/host/kustomization.yaml"))).toBe(true);
    } finally {
      cleanup();
    }
  });

  it("a clusters/ that is a file is no fleet; the search goes on up", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "sub/clusters": "not a directory\n" });
    try {
      expect(await run(["validate"], path.join(dir, "sub"))).toEqual({ code: 0, stdout: "The fleet is valid: central mode, host host and 2 members.\n", stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("never above the top of the git repository (.git a directory or a file); the top itself counts", async () => {
    for (const git of [".git/HEAD", ".git"]) {
      const { dir, cleanup } = testdir({ ...exampleFleet(), [`repo/${git}`]: "gitdir: elsewhere\n", "repo/src/x.txt": "" });
      try {
        for (const cwd of ["repo", "repo/src"]) expect(await run(["validate"], path.join(dir, cwd)), `${git} ${cwd}`).toEqual(usage(NO_FLEET));
        mkdirSync(path.join(dir, "repo/clusters"));
        writeFileSync(path.join(dir, "repo/clusters/all.yaml"), Object.values(exampleFleet()).join("---\n"));
        expect(await run(["validate"], path.join(dir, "repo/src"))).toMatchObject({ code: 0, stdout: "The fleet is valid: central mode, host host and 2 members.\n" });
      } finally {
        cleanup();
      }
    }
  });

  it("no fleet anywhere up to /: the same message, for render, validate and diff", async () => {
    const { dir, cleanup } = testdir({ "a/b.txt": "" });
    try {
      for (const c of ["render", "validate", "diff"]) expect(await run([c], path.join(dir, "a")), c).toEqual(usage(NO_FLEET));
      expect(readTreeSync(dir)).toEqual(new Map([["a/b.txt", ""]]));
    } finally {
      cleanup();
    }
  });

  it("--clusters: the working directory is the project, no search", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "sub/x.txt": "" });
    try {
      const sub = path.join(dir, "sub");
      expect(await run(["render", "--clusters", "../clusters"], sub)).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(existsSync(path.join(sub, "overlays/host/kustomization.yaml"))).toBe(true);
      expect(existsSync(path.join(dir, "overlays"))).toBe(false);
      expect(await run(["validate", "--clusters", "../clusters"], sub)).toMatchObject({ code: 0 });
      expect((await run(["diff", "--clusters", "../clusters"], sub)).stdout).toBe("paodin-fleet diff: no changes\n");
    } finally {
      cleanup();
    }
  });

  it("render --check names `npm run render` only when package.json has a script that runs paodin-fleet's render", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), drift(exampleFleet())["clusters/fleet.yaml"]!);
      const pkg = (scripts: unknown): string => JSON.stringify({ name: "x", scripts });
      for (const [text, command] of [
        [undefined, "paodin-fleet render"],
        [pkg({ render: "paodin-fleet render" }), "npm run render"],
        [pkg({ render: "node bin/paodin-fleet.js render" }), "npm run render"],
        [pkg({ render: "npx paodin-fleet  render --strict" }), "npm run render"],
        [pkg({ render: "paodin-fleet render-all" }), "npm run render"],
        [pkg({ render: "paodin-fleet renders" }), "paodin-fleet render"],
        [pkg({ render: "paodin-fleet.jsx render" }), "paodin-fleet render"],
        [pkg({ render: "make render" }), "paodin-fleet render"],
        [pkg({ validate: "paodin-fleet validate" }), "paodin-fleet render"],
        [pkg({ render: 5 }), "paodin-fleet render"],
        [pkg({ render: ["paodin-fleet render"] }), "paodin-fleet render"],
        [pkg("paodin-fleet render"), "paodin-fleet render"],
        [pkg(null), "paodin-fleet render"],
        ["{ not json", "paodin-fleet render"],
      ] as const) {
        if (text === undefined) rmSync(path.join(dir, "package.json"), { force: true });
        else writeFileSync(path.join(dir, "package.json"), text);
        const r = await run(["render", "--check"], dir);
        expect(r.code, text).toBe(2);
        expect(r.stdout.split("\n")[0], text).toBe(`overlays/ is stale; \`${command}\` would change:`);
      }
    } finally {
      cleanup();
    }
  });
});

describe("the repository's own operator schemas (schemas/monitoring.paodin.io/)", () => {
  const DIR = "schemas/monitoring.paodin.io";
  const KNOWN = "service_v1alpha1.json, store_v1alpha1.json, thanosreceiveingestor_v1alpha1.json";

  it("files that are no operator kind's: named, and the render goes on", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), [`${DIR}/extra.json`]: "{ not read", [`${DIR}/b.json`]: "{}", [`${DIR}/README.md`]: "notes" });
    try {
      expect(await run(["validate"], dir)).toEqual({
        code: 0,
        stdout: "The fleet is valid: central mode, host host and 2 members.\n",
        stderr: `paodin-fleet: not used: ${DIR}/b.json, ${DIR}/extra.json (paodin-fleet renders monitoring.paodin.io/v1alpha1: ${KNOWN})\n`,
      });
    } finally {
      cleanup();
    }
  });

  it("a schema file that is no JSON object, or no schema ajv can use: an invalid fleet, each named", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), [`${DIR}/store_v1alpha1.json`]: "[]", [`${DIR}/service_v1alpha1.json`]: "null" });
    try {
      expect(await run(["validate"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr: `${DIR}/service_v1alpha1.json cannot be read as a JSON Schema (not a JSON object)\n${DIR}/store_v1alpha1.json cannot be read as a JSON Schema (not a JSON object)\n2 errors; nothing was written.\n`,
      });
      writeFileSync(path.join(dir, DIR, "store_v1alpha1.json"), "{ nope");
      writeFileSync(path.join(dir, DIR, "service_v1alpha1.json"), '{ "type": 5 }');
      const r = await run(["validate"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${DIR}/store_v1alpha1.json cannot be read as a JSON Schema \\(.+\\)\n1 error; nothing was written.\n$`));
      rmSync(path.join(dir, DIR, "store_v1alpha1.json"));
      const s = await run(["validate"], dir);
      expect(s.code).toBe(1);
      expect(s.stderr).toMatch(new RegExp(`^${DIR}/service_v1alpha1.json is not a JSON Schema paodin-fleet can use: .+\n1 error; nothing was written.\n$`));
      // A schema without properties.spec, which the Fleet's overrides are validated against.
      const NO_SPEC = `${DIR}/service_v1alpha1.json is not a JSON Schema paodin-fleet can use: it has no properties.spec, the schema of the kind's spec that the Fleet's overrides are validated against\n1 error; nothing was written.\n`;
      for (const schema of ['{ "type": "object" }', '{ "properties": { "status": {} } }']) {
        writeFileSync(path.join(dir, DIR, "service_v1alpha1.json"), schema);
        expect(await run(["render"], dir), schema).toEqual({ code: 1, stdout: "", stderr: NO_SPEC });
        expect(existsSync(path.join(dir, "overlays")), schema).toBe(false);
      }
      // One with a spec, but too sparse for a CRD the API server takes: the repository's schema
      // to fix (1), named with the first of the API server's objections, not a bug (70).
      writeFileSync(path.join(dir, DIR, "service_v1alpha1.json"), '{ "type": "object", "properties": { "spec": { "type": "object" } } }');
      expect(await run(["validate"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          `${DIR}/service_v1alpha1.json is not a JSON Schema paodin-fleet can use: the CustomResourceDefinition rendered from it would be refused: ` +
          "spec.validation.openAPIV3Schema.properties[kind].type: Invalid value: null: must be string (and 3 more)\n1 error; nothing was written.\n",
      });
      // One the CRD schema cannot express.
      writeFileSync(path.join(dir, DIR, "service_v1alpha1.json"), '{ "type": "object", "properties": { "spec": { "type": "object", "if": { "required": ["a"] }, "then": { "required": ["b"] } } } }');
      const inexpressible = await run(["validate"], dir);
      expect(inexpressible.code).toBe(1);
      expect(inexpressible.stderr).toMatch(new RegExp(`^${DIR}/service_v1alpha1.json is not a JSON Schema paodin-fleet can use: .*cannot be expressed in a CRD schema\n1 error; nothing was written.\n$`));
      // And the next command in the same process uses the shipped schemas again.
      rmSync(path.join(dir, DIR), { recursive: true });
      expect((await run(["validate"], dir)).code).toBe(0);
    } finally {
      cleanup();
    }
  });
});

describe("the output directory", () => {
  let t: { dir: string; cleanup: () => void };
  beforeAll(() => {
    t = testdir({ ...exampleFleet(), "notes.txt": "x\n" });
  });
  afterAll(() => t.cleanup());

  it.each([
    [".", "--out . is the project directory itself; render into a directory of its own, such as overlays"],
    ["./", "--out ./ is the project directory itself; render into a directory of its own, such as overlays"],
    ["..", "--out .. contains the fleet (clusters); render into a directory of its own, such as overlays"],
    ["clusters", "--out clusters contains the fleet (clusters); render into a directory of its own, such as overlays"],
    ["clusters/out", "--out clusters/out is inside the fleet's directory clusters"],
    [".git/out", "--out .git/out is inside .git, git's own directory; render into a directory of its own, such as overlays"],
    [".GIT", "--out .GIT is inside .git, git's own directory; render into a directory of its own, such as overlays"],
    ["notes.txt", "--out notes.txt is not a directory"],
  ])("--out %s: refused", async (out, message) => {
    expect(await run(["render", "--out", out], t.dir)).toEqual(usage(message));
    expect(await run(["render", "--out", out, "--allow-outside"], t.dir)).toEqual(usage(message));
    expect(readdirSync(t.dir).sort()).toEqual(["clusters", "notes.txt"]);
  });

  it("diff reads an output directory only when it is one: a file, or a loop of links, is a usage error, never an internal one", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "notes.txt": "x\n" });
    try {
      expect(await run(["diff", "--out", "notes.txt"], dir)).toEqual(usage("--out notes.txt is not a directory"));
      expect(await run(["diff", "--out", "notes.txt", "--format", "json"], dir)).toEqual(usage("--out notes.txt is not a directory"));
      symlinkSync("notes.txt", path.join(dir, "linked"));
      expect(await run(["diff", "--out", "linked"], dir)).toEqual(usage("--out linked is not a directory"));
      symlinkSync("loop-b", path.join(dir, "loop-a"));
      symlinkSync("loop-a", path.join(dir, "loop-b"));
      expect(await run(["diff", "--out", "loop-a"], dir)).toEqual(usage("--out loop-a leads through too many levels of symbolic links (a loop?)"));
      // Absent is no error: nothing rendered yet, everything added.
      expect(await run(["diff", "--out", "none", "--format", "json"], dir)).toMatchObject({ code: 0 });
    } finally {
      cleanup();
    }
  });

  it("outside the project: only with --allow-outside", async () => {
    const other = testdir();
    try {
      const out = path.join(other.dir, "out");
      expect(await run(["render", "--out", out], t.dir)).toEqual(usage(`--out ${out} is outside the project (${t.dir}); add --allow-outside if you mean it`));
      expect(await run(["render", "--out", "../../x"], path.join(t.dir, "clusters"))).toEqual(usage(`--out ../x is outside the project (${t.dir}); add --allow-outside if you mean it`));
      expect(existsSync(out)).toBe(false);
      expect(await run(["render", "--out", out, "--allow-outside"], t.dir)).toEqual({ code: 0, stdout: `Rendered 3 clusters into ${out}/: 30 added, 0 changed, 0 removed.\n`, stderr: "" });
      expect(existsSync(path.join(out, "host/kustomization.yaml"))).toBe(true);
      // A .git somewhere in the name is no .git directory.
      expect(await run(["render", "--out", "out.git"], t.dir)).toMatchObject({ code: 0, stdout: "Rendered 3 clusters into out.git/: 30 added, 0 changed, 0 removed.\n" });
      rmSync(path.join(t.dir, "out.git"), { recursive: true });
    } finally {
      other.cleanup();
    }
  });

  it("a linked output directory is written through, also before its target exists; a link out of the project needs --allow-outside", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    const other = testdir();
    try {
      symlinkSync("real/nested", path.join(dir, "overlays"));
      mkdirSync(path.join(dir, "real"));
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(lstatSync(path.join(dir, "overlays")).isSymbolicLink()).toBe(true);
      expect(existsSync(path.join(dir, "real/nested/host/kustomization.yaml"))).toBe(true);
      expect(await run(["render", "--check"], dir)).toEqual({ code: 0, stdout: "overlays/ is up to date (30 files).\n", stderr: "" });
      // A link to a link.
      symlinkSync("overlays", path.join(dir, "again"));
      expect(await run(["render", "--out", "again", "--check"], dir)).toEqual({ code: 0, stdout: "again/ is up to date (30 files).\n", stderr: "" });
      // A link that leads into the fleet, or out of the project.
      symlinkSync("clusters", path.join(dir, "into-fleet"));
      expect(await run(["render", "--out", "into-fleet"], dir)).toEqual(usage("--out into-fleet contains the fleet (clusters); render into a directory of its own, such as overlays"));
      symlinkSync(other.dir, path.join(dir, "away"));
      expect(await run(["render", "--out", "away"], dir)).toEqual(usage(`--out away is outside the project (${dir}); add --allow-outside if you mean it`));
      expect(readdirSync(other.dir)).toEqual([]);
      // A loop of links.
      symlinkSync("loop-b", path.join(dir, "loop-a"));
      symlinkSync("loop-a", path.join(dir, "loop-b"));
      expect(await run(["render", "--out", "loop-a"], dir)).toEqual(usage("--out loop-a leads through too many levels of symbolic links (a loop?)"));
    } finally {
      cleanup();
      other.cleanup();
    }
  });
});

describe("render's messages", () => {
  it("--cluster with a name that is no cluster of the fleet: 64, the fleet's clusters named, nothing written", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect(await run(["render", "--cluster", "nope"], dir)).toEqual(usage('no cluster named "nope" in the fleet (clusters: host, member-1, member-2)'));
      expect(await run(["render", "--cluster", "host", "--cluster", "x", "--cluster", "y"], dir)).toEqual(usage('no cluster named "x", "y" in the fleet (clusters: host, member-1, member-2)'));
      expect(readdirSync(dir)).toEqual(["clusters"]);
      expect(await run(["render", "--cluster", "member-1"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into overlays/: 7 added, 0 changed, 0 removed.\n", stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("up to date, changed, stale: the exact summaries", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: "overlays/ is up to date (30 files).\n", stderr: "" });
      writeFileSync(path.join(dir, "overlays/notes.txt"), "mine\n");
      expect(await run(["render"], dir)).toEqual({
        code: 0,
        stdout: "overlays/ is up to date (30 files).\n\nNot generated by paodin-fleet, left in place (move them out of overlays/):\n  ? overlays/notes.txt\n",
        stderr: "",
      });
      rmSync(path.join(dir, "overlays/notes.txt"));
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), drift(exampleFleet())["clusters/fleet.yaml"]!);
      rmSync(path.join(dir, "overlays/member-2/kustomization.yaml"));
      const changed = ["host", "member-1", "member-2"].flatMap((c) => [
        `  ~ overlays/${c}/clusterconfiguration.installer.kubesphere.io_kubesphere-system_ks-installer.yaml\n`,
        `  ~ overlays/${c}/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml\n`,
      ]);
      expect(await run(["render", "--check"], dir)).toEqual({
        code: 2,
        stdout: `overlays/ is stale; \`paodin-fleet render\` would change:\n  + overlays/member-2/kustomization.yaml\n${changed.join("")}`,
        stderr: "",
      });
      expect(await run(["render", "--out", "overlays/"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into overlays/: 1 added, 6 changed, 0 removed.\n", stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("a lock left by a render that no longer runs: taken over, and said; a running one: waited for, and said", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      const lock = path.join(dir, ".overlays.paodin-fleet/lock");
      const holder = (pid: number): string => JSON.stringify({ pid, host: os.hostname(), since: "2026-01-02T03:04:05.000Z" });
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(lock, "999999-dead"), holder(999999));
      expect(await run(["render"], dir)).toEqual({
        code: 0,
        stdout: "overlays/ is up to date (30 files).\n",
        stderr: "paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid 999999, since 2026-01-02T03:04:05.000Z)\n",
      });
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(lock, "999999-dead"), holder(999999));
      expect(await run(["diff"], dir)).toEqual({
        code: 0,
        stdout: "paodin-fleet diff: no changes\n",
        stderr: "paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid 999999, since 2026-01-02T03:04:05.000Z)\n",
      });
      // Held by a running process (this one): the render waits until it is released.
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(lock, `${process.pid}-live`), holder(process.pid));
      const waiting = run(["render"], dir);
      await new Promise((r) => setTimeout(r, 300));
      rmSync(path.join(lock, `${process.pid}-live`));
      expect(await waiting).toEqual({
        code: 0,
        stdout: "overlays/ is up to date (30 files).\n",
        stderr: `paodin-fleet: waiting for another render of overlays/ to finish (pid ${process.pid}, since 2026-01-02T03:04:05.000Z)\n`,
      });
    } finally {
      cleanup();
    }
  });
});

describe("diff", () => {
  let t: { dir: string; cleanup: () => void };
  let text = "";
  let markdown = "";
  firstTestSetup(async () => {
    t = testdir(exampleFleet());
    expect((await run(["render"], t.dir)).code).toBe(0);
    cpSync(path.join(t.dir, "overlays"), path.join(t.dir, "old"), { recursive: true });
    writeFileSync(path.join(t.dir, "clusters/fleet.yaml"), drift(exampleFleet())["clusters/fleet.yaml"]!);
    mkdirSync(path.join(t.dir, "sub"));
  });
  afterAll(() => t?.cleanup());

  it("text, not coloured but on a terminal without NO_COLOR or TERM=dumb; --exit-code: 2 when something changes", async () => {
    const r = await run(["diff"], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    text = r.stdout;
    expect(text.startsWith("paodin-fleet diff: 3 overlays change: 0 added, 6 changed, 0 removed\n\nhost (2 changed)\n")).toBe(true);
    expect(text).toContain("      -      endpoint: http://10.0.0.10:30990/host\n      +      endpoint: http://10.0.0.10:30991/host\n");
    expect(text).not.toContain("\x1b");
    const tty = await runTty(["diff"], t.dir, { out: true });
    expect(tty.stdout).toContain("\x1b[1mhost (2 changed)\x1b[22m\n");
    expect(tty.stdout.replace(/\x1b\[[0-9]+m/g, "")).toBe(text);
    expect((await runTty(["diff"], t.dir, { err: true })).stdout).toBe(text);
    for (const env of [{ NO_COLOR: "" }, { TERM: "dumb" }] as Record<string, string>[]) expect((await runTty(["diff"], t.dir, { out: true, env })).stdout).toBe(text);
    expect(await run(["diff", "--exit-code"], t.dir)).toEqual({ code: 2, stdout: text, stderr: "" });
    expect(await run(["diff", "--format", "text"], t.dir)).toEqual({ code: 0, stdout: text, stderr: "" });
  });

  it("json and markdown", async () => {
    const j = await run(["diff", "--format", "json", "--exit-code"], t.dir);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ overlays: ["_argocd", "_flux", "host", "member-1", "member-2"], added: 0, changed: 6, removed: 0, kept: 0 });
    const m = await run(["diff", "--format", "markdown"], t.dir);
    expect(m.code).toBe(0);
    markdown = m.stdout;
    expect(markdown.startsWith("### paodin-fleet: 3 overlays change: 0 added, 6 changed, 0 removed\n\n| overlays | what changes |\n")).toBe(true);
    expect(markdown).not.toContain("<!-- paodin-fleet: next comment -->");
  });

  it("--template: the comment made from it, read relative to where it is typed", async () => {
    writeFileSync(path.join(t.dir, "sub/t.hbs"), "Summary: {{summary}}\n");
    expect(await run(["diff", "--format", "markdown", "--template", "t.hbs"], path.join(t.dir, "sub"))).toEqual({ code: 0, stdout: "Summary: 3 overlays change: 0 added, 6 changed, 0 removed\n", stderr: "" });
    expect(await run(["diff", "--format", "markdown", "--template", "sub/t.hbs"], t.dir)).toEqual({ code: 0, stdout: "Summary: 3 overlays change: 0 added, 6 changed, 0 removed\n", stderr: "" });
  });

  it("--split-dir: the comments written there, the message names them relative to the root", async () => {
    expect(await run(["diff", "--format", "markdown", "--split-dir", "../comments//"], path.join(t.dir, "sub"))).toEqual({ code: 0, stdout: "Wrote 1 comment to comments/: comment-001.md.\n", stderr: "" });
    expect(readFileSync(path.join(t.dir, "comments/comment-001.md"), "utf8")).toBe(markdown);
    // Many comments: the first and the last named.
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), exampleFleet()["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered"));
      writeFileSync(path.join(dir, "big.hbs"), `${"x".repeat(64_000)}\n${DEFAULT_MARKDOWN_TEMPLATE}`);
      const r = await run(["diff", "--format", "markdown", "--template", "big.hbs", "--split-dir", "many", "--exit-code"], dir);
      expect(r.code).toBe(2);
      const names = readdirSync(path.join(dir, "many")).sort();
      expect(names.length).toBeGreaterThan(1);
      expect(r.stdout).toBe(`Wrote ${names.length} comments to many/: comment-001.md … ${names.at(-1)}.\n`);
      const joined = await run(["diff", "--format", "markdown", "--template", "big.hbs"], dir);
      expect(joined.stdout.split("\n<!-- paodin-fleet: next comment -->\n")).toEqual(names.map((n) => readFileSync(path.join(dir, "many", n), "utf8")));
    } finally {
      cleanup();
    }
  });

  it("--against a directory (relative to where it is typed), --out, and files not generated by paodin-fleet", async () => {
    expect(await run(["diff", "--against", "../old"], path.join(t.dir, "sub"))).toEqual({ code: 0, stdout: text, stderr: "" });
    expect(await run(["diff", "--against", "overlays"], t.dir)).toEqual({ code: 0, stdout: text, stderr: "" });
    expect(await run(["diff", "--out", "../old"], path.join(t.dir, "sub"))).toEqual({ code: 0, stdout: text, stderr: "" });
    // A file of its own in the output directory is no change; a generated file no longer rendered is removed.
    writeFileSync(path.join(t.dir, "overlays/notes.txt"), "mine\n");
    expect(await run(["diff"], t.dir)).toEqual({ code: 0, stdout: text, stderr: "" });
    expect(await run(["render"], t.dir)).toMatchObject({ code: 0 });
    expect(await run(["diff", "--exit-code"], t.dir)).toEqual({ code: 0, stdout: "paodin-fleet diff: no changes\n", stderr: "" });
    writeFileSync(path.join(t.dir, "overlays/host/gone.yaml"), readFileSync(path.join(t.dir, "overlays/host/kustomization.yaml"), "utf8"));
    const r = await run(["diff", "--exit-code"], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout.split("\n")[0]).toBe("paodin-fleet diff: 1 overlay change: 0 added, 0 changed, 1 removed");
    rmSync(path.join(t.dir, "overlays/host/gone.yaml"));
  });

  it("--out a directory that is not there: compared with nothing, and nothing made for it", async () => {
    const r = await run(["diff", "--out", "missing/out", "--format", "json"], t.dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 30, changed: 0, removed: 0 });
    expect(existsSync(path.join(t.dir, "missing"))).toBe(false);
  });

  it("--against a git ref: the output directory as committed", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    const git = (...args: string[]): string => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" });
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      git("init", "-q", "-b", "main");
      git("add", "-A");
      git("commit", "-qm", "base");
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), drift(exampleFleet())["clusters/fleet.yaml"]!);
      expect((await run(["render"], dir)).code).toBe(0);
      expect(await run(["diff"], dir)).toEqual({ code: 0, stdout: "paodin-fleet diff: no changes\n", stderr: "" });
      expect(await run(["diff", "--against", "main"], dir)).toEqual({ code: 0, stdout: text, stderr: "" });
      expect(await run(["diff", "--against", "HEAD", "--exit-code"], path.join(dir, "clusters"))).toEqual({ code: 2, stdout: text, stderr: "" });
    } finally {
      cleanup();
    }
  });
});

describe("init", () => {
  const NEXT =
    "\nNext: replace the placeholders in clusters/ (operator images, object storage, node-ip labels,\n" +
    "the clusters' API servers, gitops.argocd.repoURL), run `npm run render`, and commit clusters/\n" +
    "and overlays/ together. CI (`npm run render -- --check`) fails when they disagree.\n";
  const GITIGNORE = readFileSync(path.join(REPO, "templates/init/gitignore"), "utf8");

  it("in an empty directory: what it wrote, the render, what to do next; the files it fills in", async () => {
    const { dir, cleanup } = testdir();
    const here = path.join(dir, "My Fleet!");
    mkdirSync(here);
    try {
      expect(await run(["init"], here)).toEqual({
        code: 0,
        stdout:
          "Wrote:\n  clusters/fleet.yaml\n  clusters/host.yaml\n  clusters/member-1.yaml\n  clusters/member-2.yaml\n  .github/workflows/paodin-fleet.yml\n  .gitlab-ci.yml\n" +
          `  package.json (new: scripts render, validate, diff)\n  .gitignore (new)\n${RENDERED}${NEXT}`,
        stderr: "",
      });
      const link = path.relative(path.join(here, "clusters"), path.join(REPO, "schemas"));
      const fleet = readFileSync(path.join(here, "clusters/fleet.yaml"), "utf8");
      expect(fleet.split("\n")[0]).toBe(`# yaml-language-server: $schema=${link}/paodin-fleet/fleet_v1alpha1.json`);
      expect(fleet).toContain("\n  mode: central\n");
      const host = readFileSync(path.join(here, "clusters/host.yaml"), "utf8");
      expect(host).toBe(readFileSync(path.join(REPO, "templates/init/clusters/host.yaml"), "utf8").replaceAll("@@SCHEMAS@@", link).replaceAll("@@NAME@@", "host").replaceAll("@@IP@@", "10.0.0.10"));
      const member = (n: number, ip: string): string =>
        readFileSync(path.join(REPO, "templates/init/clusters/member.yaml"), "utf8").replaceAll("@@SCHEMAS@@", link).replaceAll("@@NAME@@", `member-${n}`).replaceAll("@@IP@@", ip);
      expect(readFileSync(path.join(here, "clusters/member-1.yaml"), "utf8")).toBe(member(1, "10.0.1.10"));
      expect(readFileSync(path.join(here, "clusters/member-2.yaml"), "utf8")).toBe(member(2, "10.0.2.10"));
      expect(readFileSync(path.join(here, ".github/workflows/paodin-fleet.yml"), "utf8")).toBe(readFileSync(path.join(REPO, "templates/init/ci/github-actions.yml"), "utf8"));
      expect(readFileSync(path.join(here, ".gitlab-ci.yml"), "utf8")).toBe(readFileSync(path.join(REPO, "templates/init/ci/gitlab-ci.yml"), "utf8"));
      expect(readFileSync(path.join(here, ".gitignore"), "utf8")).toBe(GITIGNORE);
      expect(readFileSync(path.join(here, "package.json"), "utf8")).toBe(
        `${JSON.stringify({ name: "my-fleet-", private: true, scripts: { render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" }, devDependencies: { "paodin-fleet": `^${VERSION}` } }, null, 2)}\n`,
      );
    } finally {
      cleanup();
    }
  });

  it.each([
    ["._Repo", "repo"],
    ["__", "fleet"],
    ["a.b_c-d", "a.b_c-d"],
  ])("package.json's name, from the directory %s: %s", async (name, expected) => {
    const { dir, cleanup } = testdir();
    const here = path.join(dir, name);
    mkdirSync(here);
    try {
      expect((await run(["init", "--members", ""], here)).code).toBe(0);
      expect((JSON.parse(readFileSync(path.join(here, "package.json"), "utf8")) as { name: string }).name).toBe(expected);
    } finally {
      cleanup();
    }
  });

  it("--members: trimmed, empty names dropped; none at all is a fleet of the host alone; schema links to node_modules/paodin-fleet when installed", async () => {
    const { dir, cleanup } = testdir({ "node_modules/paodin-fleet/schemas/.keep": "" });
    try {
      const r = await run(["init", "--host", "hq", "--members", " a , ,b,", "--mode", "scattered"], dir);
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n").slice(0, 5)).toEqual(["Wrote:", "  clusters/fleet.yaml", "  clusters/hq.yaml", "  clusters/a.yaml", "  clusters/b.yaml"]);
      expect(readFileSync(path.join(dir, "clusters/fleet.yaml"), "utf8")).toContain("\n  mode: scattered\n");
      expect(readFileSync(path.join(dir, "clusters/hq.yaml"), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../node_modules/paodin-fleet/schemas/paodin-fleet/cluster_v1alpha1.json");
      expect(readFileSync(path.join(dir, "clusters/b.yaml"), "utf8")).toContain("  name: b\n");
      expect(readFileSync(path.join(dir, "clusters/b.yaml"), "utf8")).toContain("node-ip: 10.0.2.10 ");
      for (const f of readdirSync(path.join(dir, "clusters"))) expect(readFileSync(path.join(dir, "clusters", f), "utf8"), f).not.toContain("@@");
      const alone = testdir();
      try {
        const h = await run(["init", "--members", " , "], alone.dir);
        expect(h.code).toBe(0);
        expect(h.stdout.startsWith("Wrote:\n  clusters/fleet.yaml\n  clusters/host.yaml\n  .github/workflows/paodin-fleet.yml\n")).toBe(true);
        expect(await run(["validate"], alone.dir)).toEqual({ code: 0, stdout: "The fleet is valid: central mode, host host and 0 members.\n", stderr: "" });
      } finally {
        alone.cleanup();
      }
    } finally {
      cleanup();
    }
  });

  it("refuses, writing nothing: every file in the way listed, clusters/ once, overlays/ too", async () => {
    const { dir, cleanup } = testdir({ "clusters/a/b.yaml": "", "overlays/x": "", ".github/workflows/paodin-fleet.yml": "mine\n", "package.json": "[1]" });
    try {
      const before = readTreeSync(dir);
      expect(await run(["init"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "paodin-fleet: init writes nothing over what is there, and this directory already has:\n  clusters exists\n  .github/workflows/paodin-fleet.yml exists\n  overlays exists\n" +
          "  package.json: cannot be read as JSON (not a JSON object)\nMove these away (or run init in another directory), then run it again.\n",
      });
      expect(readTreeSync(dir)).toEqual(before);
    } finally {
      cleanup();
    }
    const other = testdir({ "clusters/host.yaml": "x", "package.json": JSON.stringify({ scripts: { render: "paodin-fleet render", diff: "git diff", validate: 1 } }) });
    try {
      expect(await run(["init", "--members", "m"], other.dir)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "paodin-fleet: init writes nothing over what is there, and this directory already has:\n  clusters exists\n" +
          '  package.json: the script "validate" runs 1, not "paodin-fleet validate"\n  package.json: the script "diff" runs "git diff", not "paodin-fleet diff"\n' +
          "Move these away (or run init in another directory), then run it again.\n",
      });
    } finally {
      other.cleanup();
    }
    const unreadable = testdir({ "package.json": "{ nope" });
    try {
      const r = await run(["init"], unreadable.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^paodin-fleet: init writes nothing over what is there, and this directory already has:\n {2}package\.json: cannot be read as JSON \(.+\)\nMove these away/);
      expect(readdirSync(unreadable.dir)).toEqual(["package.json"]);
    } finally {
      unreadable.cleanup();
    }
  });

  it("a package.json and a .gitignore there: scripts and lines added where missing, indentation kept", async () => {
    const cases: [Record<string, string>, string, string | undefined, string | undefined][] = [
      // scripts all there: package.json left alone, not listed; .gitignore complete: left alone.
      [
        { "package.json": '{"scripts":{"render":"paodin-fleet render","validate":"paodin-fleet validate","diff":"paodin-fleet diff"}}', ".gitignore": `x\r\n${GITIGNORE.replaceAll("\n", "\r\n")}` },
        "",
        '{"scripts":{"render":"paodin-fleet render","validate":"paodin-fleet validate","diff":"paodin-fleet diff"}}',
        `x\r\n${GITIGNORE.replaceAll("\n", "\r\n")}`,
      ],
      [
        { "package.json": '{"name":"x","scripts":{"render":"paodin-fleet render"}}', ".gitignore": "" },
        "  package.json (scripts validate, diff added)\n  .gitignore (node_modules/, .*.paodin-fleet/, .*.paodin-fleet-*/, paodin-fleet-comments/ appended)\n",
        `${JSON.stringify({ name: "x", scripts: { render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" } }, null, 2)}\n`,
        "# paodin-fleet\nnode_modules/\n.*.paodin-fleet/\n.*.paodin-fleet-*/\npaodin-fleet-comments/\n",
      ],
      [
        { "package.json": '{\n\t"name": "x",\n\t"scripts": "none"\n}\n', ".gitignore": "  node_modules/  \n.*.paodin-fleet/\n" },
        "  package.json (scripts render, validate, diff added)\n  .gitignore (.*.paodin-fleet-*/, paodin-fleet-comments/ appended)\n",
        `${JSON.stringify({ name: "x", scripts: { render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" } }, null, "\t")}\n`,
        "  node_modules/  \n.*.paodin-fleet/\n# paodin-fleet\n.*.paodin-fleet-*/\npaodin-fleet-comments/\n",
      ],
    ];
    for (const [files, listed, pkg, ignore] of cases) {
      const { dir, cleanup } = testdir(files);
      try {
        const r = await run(["init", "--members", "m"], dir);
        expect(r.code, JSON.stringify(files)).toBe(0);
        expect(r.stdout, JSON.stringify(files)).toContain(`  .gitlab-ci.yml\n${listed}Rendered 2 clusters into overlays/`);
        expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe(pkg);
        expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe(ignore);
      } finally {
        cleanup();
      }
    }
  });

  it("a render that fails on what the directory held (operator schemas of its own): its errors, and what init wrote all the same", async () => {
    const { dir, cleanup } = testdir({ "schemas/monitoring.paodin.io/service_v1alpha1.json": "[]", "schemas/monitoring.paodin.io/extra.json": "{}" });
    try {
      expect(await run(["init", "--members", "m"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "schemas/monitoring.paodin.io/service_v1alpha1.json cannot be read as a JSON Schema (not a JSON object)\n" +
          "1 error; init wrote clusters/, .github/workflows/paodin-fleet.yml, .gitlab-ci.yml, package.json, .gitignore, but did not render overlays/: fix the fleet, then run `npm run render`.\n",
      });
      expect(readdirSync(dir).sort()).toEqual([".github", ".gitignore", ".gitlab-ci.yml", "clusters", "package.json", "schemas"]);
    } finally {
      cleanup();
    }
  });

  it("what the render says on stderr is passed on; a render that fails: its error", async () => {
    const { dir, cleanup } = testdir({ "schemas/monitoring.paodin.io/extra.json": "{}" });
    try {
      const r = await run(["init", "--members", "m"], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Rendered 2 clusters into overlays/: 26 added, 0 changed, 0 removed.\n");
      expect(r.stderr).toBe(
        "paodin-fleet: not used: schemas/monitoring.paodin.io/extra.json (paodin-fleet renders monitoring.paodin.io/v1alpha1: service_v1alpha1.json, store_v1alpha1.json, thanosreceiveingestor_v1alpha1.json)\n",
      );
    } finally {
      cleanup();
    }
  });
});

describe("progress on a terminal", () => {
  const tty = (isTTY: boolean | undefined) => {
    let err = "";
    return { io: { cwd: "/", env: {}, stdout: { write: () => undefined }, stderr: { write: (s: string) => void (err += s), isTTY } }, out: () => err };
  };

  it("from the first second on, at most every 100 ms, the last step always; finish clears only what was shown", () => {
    let t = 0;
    const { io, out } = tty(true);
    const p = terminalProgress(io, () => t);
    p.finish();
    expect(out()).toBe("");
    t = 999;
    p.progress("s", 1, 10);
    expect(out()).toBe("");
    t = 1000;
    p.progress("s", 2, 10);
    t = 1099;
    p.progress("s", 3, 10);
    t = 1100;
    p.progress("s", 4, 10);
    t = 1101;
    p.progress("s", 10, 10);
    expect(out()).toBe("\r\x1b[Ks 2/10\r\x1b[Ks 4/10\r\x1b[Ks 10/10");
    p.finish();
    p.finish();
    expect(out()).toBe("\r\x1b[Ks 2/10\r\x1b[Ks 4/10\r\x1b[Ks 10/10\r\x1b[K");
  });

  it("the clock: real time by default, so nothing in the first second", () => {
    const { io, out } = tty(true);
    const p = terminalProgress(io);
    p.progress("s", 1, 2);
    p.progress("s", 2, 2);
    p.finish();
    expect(out()).toBe("");
  });

  it("nothing at all when stderr is no terminal (isTTY unset)", () => {
    let t = 0;
    const { io, out } = tty(undefined);
    const p = terminalProgress(io, () => t);
    t = 5000;
    p.progress("s", 5, 10);
    p.finish();
    expect(out()).toBe("");
  });
});

describe("render's progress on a terminal", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a render that takes long shows its stages on stderr and clears the line at the end; stdout as always", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      let calls = 0;
      // The clock: the render starts at 0, and every later reading is 10 s on.
      vi.spyOn(performance, "now").mockImplementation(() => (calls++ === 0 ? 0 : 10_000));
      const r = await runTty(["render"], dir, { err: true });
      vi.restoreAllMocks();
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(RENDERED);
      expect(r.stderr).toMatch(/^(\r\x1b\[K[a-z ]+ \d+\/\d+)+\r\x1b\[K$/);
      // Not on a pipe.
      calls = 0;
      vi.spyOn(performance, "now").mockImplementation(() => (calls++ === 0 ? 0 : 10_000));
      expect(await runTty(["render"], dir, { out: true })).toEqual({ code: 0, stdout: "overlays/ is up to date (30 files).\n", stderr: "" });
    } finally {
      cleanup();
    }
  });
});

describe("the process's own streams (processIo) and the bin", () => {
  class FakeStream extends EventEmitter {
    written = "";
    destroyed = false;
    fail = false;
    constructor(readonly isTTY: boolean | undefined) {
      super();
    }
    write(s: string): boolean {
      if (this.fail) throw new Error("closed");
      this.written += s;
      return true;
    }
  }
  const originals = { stdout: Object.getOwnPropertyDescriptor(process, "stdout")!, stderr: Object.getOwnPropertyDescriptor(process, "stderr")! };
  let out: FakeStream;
  let err: FakeStream;
  let exitBefore: ((...args: unknown[]) => void)[];
  const newExitListeners = (): ((...args: unknown[]) => void)[] => (process.listeners("exit") as ((...args: unknown[]) => void)[]).filter((l) => !exitBefore.includes(l));
  beforeEach(() => {
    out = new FakeStream(true);
    err = new FakeStream(undefined);
    Object.defineProperty(process, "stdout", { value: out, configurable: true });
    Object.defineProperty(process, "stderr", { value: err, configurable: true });
    exitBefore = process.listeners("exit") as ((...args: unknown[]) => void)[];
  });
  afterEach(() => {
    Object.defineProperty(process, "stdout", originals.stdout);
    Object.defineProperty(process, "stderr", originals.stderr);
    for (const l of newExitListeners()) process.removeListener("exit", l);
    process.exitCode = undefined;
  });
  const systemError = (code: string): Error => Object.assign(new Error(`${code}: write failed`), { code, syscall: "write" });

  it("the working directory, the environment, the streams as they are", () => {
    const io = processIo();
    expect(io.cwd).toBe(process.cwd());
    expect(io.env).toBe(process.env);
    expect(io.stdout.isTTY).toBe(true);
    expect(io.stderr.isTTY).toBeUndefined();
    io.stdout.write("a");
    io.stderr.write("b");
    expect([out.written, err.written]).toEqual(["a", "b"]);
    out.destroyed = true;
    io.stdout.write("c");
    expect(out.written).toBe("a");
  });

  it("a reader gone (EPIPE): output dropped quietly, the exit code untouched", () => {
    const io = processIo();
    out.emit("error", systemError("EPIPE"));
    io.stdout.write("after");
    expect(out.written).toBe("");
    expect(process.exitCode).toBeUndefined();
    expect(newExitListeners()).toEqual([]);
    io.stderr.write("still");
    expect(err.written).toBe("still");
  });

  it("any other failure: said once on stderr when the process exits, and the exit code 74 whatever the command returned", () => {
    const io = processIo();
    out.emit("error", systemError("ENOSPC"));
    io.stdout.write("after");
    expect(out.written).toBe("");
    expect(process.exitCode).toBe(74);
    process.exitCode = 0; // what the bin sets when the command itself succeeded
    const [atExit, ...more] = newExitListeners();
    expect(more).toEqual([]);
    expect(err.written).toBe("");
    atExit!();
    expect(process.exitCode).toBe(74);
    expect(err.written).toBe("paodin-fleet: cannot write to standard output: no space left on the device (ENOSPC)\n");
  });

  it("a failure that is no system error: its message; a failing stderr: nothing said, still 74", () => {
    processIo();
    out.emit("error", new Error("stream broke"));
    newExitListeners()[0]!();
    expect(err.written).toBe("paodin-fleet: cannot write to standard output: stream broke\n");
    for (const l of newExitListeners()) process.removeListener("exit", l);
    err.written = "";
    processIo();
    err.emit("error", systemError("EIO"));
    expect(process.exitCode).toBe(74);
    process.exitCode = 0;
    newExitListeners()[0]!();
    expect(process.exitCode).toBe(74);
    expect(err.written).toBe("");
    for (const l of newExitListeners()) process.removeListener("exit", l);
    processIo();
    out.emit("error", systemError("EIO"));
    err.fail = true;
    expect(() => newExitListeners()[0]!()).not.toThrow();
  });

  it("the bin runs the command line after node and the script, and sets the exit code", async () => {
    const argv = process.argv;
    process.argv = [argv[0]!, "/usr/bin/paodin-fleet", "--version"];
    try {
      await import("../src/cli/bin.js");
      await vi.waitFor(() => expect(process.exitCode).toBe(0));
      expect(out.written).toBe(`${VERSION}\n`);
    } finally {
      process.argv = argv;
    }
  });
});

describe("schemas", () => {
  const crd = (extra = "", apiVersion = "apiextensions.k8s.io/v1"): string => `apiVersion: ${apiVersion}
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced${extra}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: { type: object }
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema: { type: object }
`;

  it("import: into the fleet repository's schemas/ (paths from where it is typed, shown from the root), or --out", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "crds/widgets.yaml": crd() });
    try {
      const sub = path.join(dir, "clusters");
      expect(await run(["schemas", "import", "../crds/widgets.yaml"], sub)).toEqual({ code: 0, stdout: "wrote schemas/example.com/widget_v1.json\nwrote schemas/example.com/widget_v2.json\n", stderr: "" });
      expect(JSON.parse(readFileSync(path.join(dir, "schemas/example.com/widget_v1.json"), "utf8"))).toMatchObject({ type: "object" });
      expect(await run(["schemas", "import", "--out", "../out", "../crds/widgets.yaml"], sub)).toEqual({ code: 0, stdout: "wrote out/example.com/widget_v1.json\nwrote out/example.com/widget_v2.json\n", stderr: "" });
      expect(existsSync(path.join(dir, "out/example.com/widget_v2.json"))).toBe(true);
      expect(await run(["schemas", "import", "nope.yaml"], sub)).toEqual({ code: 1, stdout: "", stderr: "clusters/nope.yaml cannot be read\n1 error; nothing was written.\n" });
    } finally {
      cleanup();
    }
  });

  it("import works in a repository whose own operator schemas are broken (it is how they are mended)", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "schemas/monitoring.paodin.io/store_v1alpha1.json": "{ nope", "w.yaml": crd() });
    try {
      expect(await run(["schemas", "import", "w.yaml"], dir)).toEqual({ code: 0, stdout: "wrote schemas/example.com/widget_v1.json\nwrote schemas/example.com/widget_v2.json\n", stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("import without a fleet: here; an invalid CRD: exit 1, nothing written; a warning: said, and written", async () => {
    const { dir, cleanup } = testdir({ "bad.yaml": crd("", "apiextensions.k8s.io/v2"), "old.yaml": crd("\n  preserveUnknownFields: true") });
    try {
      expect(await run(["schemas", "import", "bad.yaml"], dir)).toEqual({
        code: 1,
        stdout: "",
        stderr: "bad.yaml:1:13 apiVersion: is a CustomResourceDefinition of apiextensions.k8s.io/v2; only apiextensions.k8s.io/v1 is imported\n1 error; nothing was written.\n",
      });
      expect(readdirSync(dir).sort()).toEqual(["bad.yaml", "old.yaml"]);
      const r = await run(["schemas", "import", "old.yaml"], dir);
      expect(r).toEqual({ code: 0, stdout: "wrote schemas/example.com/widget_v1.json\nwrote schemas/example.com/widget_v2.json\n", stderr: r.stderr });
      expect(r.stderr).toBe(
        "old.yaml:9:26 spec.preserveUnknownFields: warning is true: the API server keeps unknown fields of this kind (legacy behaviour); the imported schemas reject them anyway, since the operator ignores them\n",
      );
      expect(existsSync(path.join(dir, "schemas/example.com/widget_v1.json"))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe("the edges a user meets once", () => {
  it("render --check lists removed and blocked files with their marks; a render that only removes says so; the advice without npm scripts", async () => {
    const { dir, cleanup } = testdir({ ...exampleFleet(), "package.json": '{ "name": "x" }' });
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      const kustomization = readFileSync(path.join(dir, "overlays/host/kustomization.yaml"), "utf8");
      writeFileSync(path.join(dir, "overlays/host/gone.yaml"), kustomization);
      expect(await run(["render", "--check"], dir)).toEqual({ code: 2, stdout: "overlays/ is stale; `paodin-fleet render` would change:\n  - overlays/host/gone.yaml\n", stderr: "" });
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: "Rendered 3 clusters into overlays/: 0 added, 0 changed, 1 removed.\n", stderr: "" });
      writeFileSync(path.join(dir, "overlays/host/kustomization.yaml"), "mine\n");
      expect(await run(["render", "--check"], dir)).toEqual({
        code: 2,
        stdout:
          "overlays/ is stale; `paodin-fleet render` would change:\n" +
          "  ! overlays/host/kustomization.yaml  (not generated by paodin-fleet, where a rendered file goes: a render will not replace it; move it out of the output directory)\n",
        stderr: "",
      });
    } finally {
      cleanup();
    }
  });

  it("diff: a file of one's own inside an overlay is kept, no change; another directory is read without being locked", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      writeFileSync(path.join(dir, "overlays/host/NOTES.md"), "mine\n");
      expect(await run(["diff", "--exit-code"], dir)).toEqual({ code: 0, stdout: "paodin-fleet diff: no changes\n", stderr: "" });
      cpSync(path.join(dir, "overlays"), path.join(dir, "old"), { recursive: true });
      expect(await run(["diff", "--against", "old", "--exit-code"], dir)).toEqual({ code: 0, stdout: "paodin-fleet diff: no changes\n", stderr: "" });
      expect(readdirSync(dir).sort()).toEqual(["clusters", "old", "overlays"]);
    } finally {
      cleanup();
    }
  });

  it("a credential only the rendered text holds: named under --out as given, and nothing left behind, not even the directory made for the output", async () => {
    const files = exampleFleet();
    // An AWS access key id that the fleet holds in two parts, apart.
    files["clusters/host.yaml"] = files["clusters/host.yaml"]!.replace("  labels:\n", "  labels:\n    key: IOSFODNN7EXAMPLE\n");
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace('gatewayURL: "http://{{host.labels.node-ip}}:30990"', 'gatewayURL: "http://{{host.labels.node-ip}}:30990/AKIA{{host.labels.key}}"');
    const { dir, cleanup } = testdir(files);
    const leak = (out: string): string =>
      ["host", "member-1", "member-2"]
        .flatMap((c) => [
          `${out}/${c}/clusterconfiguration.installer.kubesphere.io_kubesphere-system_ks-installer.yaml spec.common.monitoring.endpoint`,
          `${out}/${c}/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml spec.remoteWrite[0].url`,
        ])
        .map((where) => `${where}: the rendered file would hold an AWS access key id in clear; find where it comes from (the files named in its first line) and keep it in your secret store instead\n`)
        .join("");
    try {
      expect(await run(["render", "--out", "deploy/overlays//"], dir)).toEqual({ code: 1, stdout: "", stderr: `${leak("deploy/overlays")}6 errors; nothing was written.\n` });
      expect(await run(["diff", "--out", "deploy/overlays/"], dir)).toEqual({ code: 1, stdout: "", stderr: `${leak("deploy/overlays")}6 errors; nothing was written.\n` });
      expect(readdirSync(dir)).toEqual(["clusters"]);
    } finally {
      cleanup();
    }
  });

  it("something not a regular file where a rendered file goes (a FIFO): named so, and its issue code in --json", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      expect((await run(["render"], dir)).code).toBe(0);
      const file = "overlays/host/kustomization.yaml";
      rmSync(path.join(dir, file));
      execFileSync("mkfifo", [path.join(dir, file)]);
      const message = `is not a regular file, where a rendered file goes: paodin-fleet never replaces what it did not generate; move it out of overlays/ (or delete it), then render again`;
      expect(await run(["render"], dir)).toEqual({ code: 1, stdout: "", stderr: `${file} ${message}\n1 error; nothing was written.\n` });
      const json = await run(["render", "--json"], dir);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({ valid: false, issues: [{ code: "output-not-ours", severity: "error", file, line: null, col: null, path: null, message }] });
    } finally {
      cleanup();
    }
  });

  it("operator schemas of the repository's own that are good: used, and the render as with the shipped ones", async () => {
    const shipped = readFileSync(path.join(REPO, "schemas/monitoring.paodin.io/service_v1alpha1.json"), "utf8");
    const { dir, cleanup } = testdir({ ...exampleFleet(), "schemas/monitoring.paodin.io/service_v1alpha1.json": shipped });
    try {
      expect(await run(["validate"], dir)).toEqual({ code: 0, stdout: "The fleet is valid: central mode, host host and 2 members.\n", stderr: "" });
      expect(await run(["render"], dir)).toEqual({ code: 0, stdout: RENDERED, stderr: "" });
    } finally {
      cleanup();
    }
  });

  it("init whose render cannot write (a full disk): the environment error, 74, and what init wrote", async () => {
    const { dir, cleanup } = testdir();
    try {
      const r = await run(["init"], dir, { PAODIN_FLEET_FAULTS: "ENOSPC@mkdir~.overlays.paodin-fleet" });
      expect(r.code).toBe(74);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^paodin-fleet: cannot lock overlays\/: cannot write \.overlays\.paodin-fleet: no space left on the device \(ENOSPC\); overlays\/ is unchanged[^\n]*\n/);
      // And says what it wrote, and what to run then.
      expect(r.stderr.split("\n").slice(1)).toEqual(["init wrote clusters/, .github/workflows/paodin-fleet.yml, .gitlab-ci.yml, package.json, .gitignore, but did not render overlays/: once that is fixed, run `npm run render`", ""]);
      // What init wrote before is there: a render once the disk has room completes the fleet.
      expect(readdirSync(dir).sort()).toEqual([".github", ".gitignore", ".gitlab-ci.yml", "clusters", "package.json"]);
    } finally {
      cleanup();
    }
  });

  it("--out through a linked directory that does not exist yet: where the link leads decides", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    const other = testdir();
    try {
      symlinkSync(other.dir, path.join(dir, "away"));
      expect(await run(["render", "--out", "away/new/out"], dir)).toEqual(usage(`--out away/new/out is outside the project (${dir}); add --allow-outside if you mean it`));
      expect(readdirSync(other.dir)).toEqual([]);
    } finally {
      cleanup();
      other.cleanup();
    }
  });

  it("init: a package.json that is JSON but no object; a link in the way that leads nowhere; a name from a directory with runs of other characters; a .gitignore without a last newline", async () => {
    for (const text of ['"x"', "null", "[]"]) {
      const { dir, cleanup } = testdir({ "package.json": text });
      try {
        expect(await run(["init"], dir), text).toEqual({
          code: 1,
          stdout: "",
          stderr:
            "paodin-fleet: init writes nothing over what is there, and this directory already has:\n  package.json: cannot be read as JSON (not a JSON object)\n" +
            "Move these away (or run init in another directory), then run it again.\n",
        });
      } finally {
        cleanup();
      }
    }
    const linked = testdir();
    try {
      symlinkSync(path.join(linked.dir, "nowhere"), path.join(linked.dir, ".gitlab-ci.yml"));
      symlinkSync(path.join(linked.dir, "nowhere-either"), path.join(linked.dir, "clusters"));
      expect(await run(["init"], linked.dir)).toEqual({
        code: 1,
        stdout: "",
        stderr: "paodin-fleet: init writes nothing over what is there, and this directory already has:\n  clusters exists\n  .gitlab-ci.yml exists\nMove these away (or run init in another directory), then run it again.\n",
      });
      expect(readdirSync(linked.dir).sort()).toEqual([".gitlab-ci.yml", "clusters"]);
    } finally {
      linked.cleanup();
    }
    const named = testdir({ "A  b (2)/.gitignore": "node_modules/", "A  b (2)/package.json": '{"name": "x", "scripts": {}}' });
    try {
      const here = path.join(named.dir, "A  b (2)");
      expect((await run(["init", "--members", ""], here)).code).toBe(0);
      expect(readFileSync(path.join(here, ".gitignore"), "utf8")).toBe("node_modules/\n# paodin-fleet\n.*.paodin-fleet/\n.*.paodin-fleet-*/\npaodin-fleet-comments/\n");
      expect(readFileSync(path.join(here, "package.json"), "utf8")).toBe(`${JSON.stringify({ name: "x", scripts: { render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" } }, null, 2)}\n`);
      rmSync(path.join(here, "package.json"));
      rmSync(path.join(here, "clusters"), { recursive: true });
      rmSync(path.join(here, "overlays"), { recursive: true });
      rmSync(path.join(here, ".github"), { recursive: true });
      rmSync(path.join(here, ".gitlab-ci.yml"));
      expect((await run(["init", "--members", ""], here)).code).toBe(0);
      expect((JSON.parse(readFileSync(path.join(here, "package.json"), "utf8")) as { name: string }).name).toBe("a-b-2-");
    } finally {
      named.cleanup();
    }
  });

  it("operator schemas that are JSON but no object, or unusable: the issue codes of --json", async () => {
    const { dir, cleanup } = testdir(exampleFleet());
    try {
      mkdirSync(path.join(dir, "schemas/monitoring.paodin.io"), { recursive: true });
      writeFileSync(path.join(dir, "schemas/monitoring.paodin.io/service_v1alpha1.json"), "[]");
      expect(await run(["validate"], dir)).toEqual({ code: 1, stdout: "", stderr: "schemas/monitoring.paodin.io/service_v1alpha1.json cannot be read as a JSON Schema (not a JSON object)\n1 error; nothing was written.\n" });
      const unreadable = await run(["validate", "--json"], dir);
      expect(JSON.parse(unreadable.stdout)).toMatchObject({ valid: false, issues: [{ code: "file-unreadable", file: "schemas/monitoring.paodin.io/service_v1alpha1.json" }] });
      writeFileSync(path.join(dir, "schemas/monitoring.paodin.io/service_v1alpha1.json"), '{ "type": "object" }');
      const unusable = await run(["validate", "--json"], dir);
      expect(JSON.parse(unusable.stdout)).toMatchObject({ valid: false, issues: [{ code: "crd-unsupported", file: "schemas/monitoring.paodin.io/service_v1alpha1.json" }] });
    } finally {
      cleanup();
    }
  });
});
