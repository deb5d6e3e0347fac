import { existsSync, lstatSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { causeOf, describeSystemError, isEnvironmentFailure } from "../../diagnostics/environment.js";
import { EnvironmentError, FleetError, UsageError } from "../../diagnostics/issue.js";
import { packageRoot } from "../../package-root.js";
import { COMMON, parse } from "../args.js";
import type { Io } from "../io.js";
import { writerFsFor } from "../../output/faults.js";
import { makeDirs, removeTree, type WriterFs } from "../../output/write.js";
import { renderCommand } from "./render.js";
import type { CommandResult } from "./shared.js";
import { EXIT } from "../exit-codes.js";
import { toJsonText } from "../../emit/yaml.js";
import { FORMATS } from "../../validate/formats.js";

export const INIT_HELP = `Usage: paodin-fleet init [--mode central|scattered] [--host NAME] [--members a,b,c]

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

const SCRIPTS = { render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" } as const;
/** Cluster names are DNS labels, as the Cluster schema requires of `metadata.name`. */
const DNS_LABEL = FORMATS["dns1123-label"]!;
const TEMPLATES = "templates/init";

export async function initCommand(argv: readonly string[], io: Io): Promise<CommandResult> {
  const { values } = parse(argv, {
    ...COMMON,
    mode: { type: "string", default: "central" },
    host: { type: "string", default: "host" },
    members: { type: "string", default: "member-1,member-2" },
  });
  if (values.help) return { code: EXIT.ok, stdout: INIT_HELP };
  if (values.mode !== "central" && values.mode !== "scattered") throw new UsageError(`--mode must be central or scattered, not ${JSON.stringify(values.mode)}`);
  const members = values.members.split(",").map((m) => m.trim()).filter((m) => m !== "");
  const names = [values.host, ...members];
  for (const n of names) {
    if (!DNS_LABEL.validate(n)) throw new UsageError(`cluster name ${JSON.stringify(n)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)`);
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw new UsageError(`cluster name ${JSON.stringify(twice[0])} is given twice`);

  const files = fleetFiles(io.cwd, values.mode, values.host, members);
  const pkg = packageJson(io.cwd);
  const gitignore = gitignoreText(io.cwd);
  // Anything by the name, a link that leads nowhere too (a write would follow it). A clusters/
  // that is there is one entry, not one per file init would put in it.
  const there = (f: string): boolean => lstatSync(path.join(io.cwd, f), { throwIfNoEntry: false }) !== undefined;
  // Or a folder on the way to it that is not one (a file `.github`, a link that leads nowhere or
  // in a loop): the first such. A link to a folder will do, as the writes follow it.
  const inTheWay = (f: string): string | undefined => {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (!there(folder)) return undefined;
      try {
        if (!statSync(path.join(io.cwd, folder)).isDirectory()) return folder;
      } catch {
        return folder;
      }
    }
    return there(f) ? f : undefined;
  };
  const fleetThere = there("clusters");
  const wanted = [...(fleetThere ? ["clusters"] : []), ...Object.keys(files).filter((f) => !(fleetThere && f.startsWith("clusters/"))), "overlays"];
  const present = wanted.map(inTheWay).filter((f) => f !== undefined);
  const problems = [...present.map((f) => `  ${f} exists`), ...pkg.conflicts.map((c) => `  package.json: ${c}`), ...gitignore.conflicts.map((c) => `  .gitignore: ${c}`)];
  if (problems.length > 0) {
    return {
      code: EXIT.invalid,
      stderr: `paodin-fleet: init writes nothing over what is there, and this directory already has:\n${problems.join("\n")}\n` + "Move these away (or run init in another directory), then run it again.\n",
    };
  }

  const written = writeFiles(writerFsFor(io.env), io.cwd, files, pkg, gitignore);

  let err = "";
  // A render without --check returns success or throws (then main reports the error). Its
  // failure says what init wrote all the same: an invalid fleet comes of what the directory held
  // (operator schemas of its own), an environment error of the machine (a full disk).
  const rendered = await renderCommand([], { ...io, stderr: { write: (s: string) => void (err += s) } }).catch((e: unknown) => {
    io.stderr.write(err);
    const wrote = `init wrote ${summary(written)}, but did not render overlays/`;
    if (e instanceof FleetError) throw new FleetError(e.issues, `${wrote}: fix the fleet, then run \`npm run render\``);
    const cause = e instanceof EnvironmentError ? e.message : isEnvironmentFailure(e) ? describeSystemError(e, io.cwd) : undefined;
    if (cause === undefined) throw e;
    throw new EnvironmentError(`${cause}\n${wrote}: once that is fixed, run \`npm run render\``);
  });
  const listing = `Wrote:\n${written.map((w) => `  ${w}\n`).join("")}`;
  return {
    code: EXIT.ok,
    stdout:
      `${listing}${rendered.stdout ?? ""}\n` +
      "Next: replace the placeholders in clusters/ (operator images, object storage, node-ip labels,\n" +
      "the clusters' API servers, gitops.argocd.repoURL), run `npm run render`, and commit clusters/\n" +
      "and overlays/ together. CI (`npm run render -- --check`) fails when they disagree.\n",
    ...(err !== "" ? { stderr: err } : {}),
  };
}

/**
 * Writes the fleet's files (each new: a file that appears meanwhile is not overwritten), then
 * package.json and .gitignore, each replaced whole by a rename, so that a full disk cannot
 * leave them cut short. Returns what it wrote, as listed. On a failure of the machine: what it
 * could not write, and what it wrote before (a file cut short, and folders made for it, are
 * removed). Through the output stage's calls, which the suite's fault injection reaches.
 */
function writeFiles(fs: WriterFs, cwd: string, files: Record<string, string>, pkg: { text?: string; note: string }, gitignore: { text?: string; note: string }): string[] {
  const written: string[] = [];
  let doing = "";
  try {
    for (const [rel, content] of Object.entries(files)) {
      doing = rel;
      writeNew(fs, path.join(cwd, ...rel.split("/")), content);
      written.push(rel);
    }
    for (const [name, edit] of [["package.json", pkg], [".gitignore", gitignore]] as const) {
      if (edit.text === undefined) continue;
      doing = name;
      replaceFile(fs, path.join(cwd, name), edit.text);
      written.push(`${name} (${edit.note})`);
    }
  } catch (e) {
    if (!isEnvironmentFailure(e)) throw e;
    // Its files in the way of a second init; package.json's scripts and .gitignore's lines are not.
    const made = written.filter((w) => Object.hasOwn(files, w));
    const before = written.length === 0 ? "init wrote nothing" : `init wrote ${summary(written)} before that, and nothing else`;
    const next = made.length === 0 ? "run init again once that is fixed" : `remove ${summary(made)}, then run init again once that is fixed`;
    throw new EnvironmentError(`cannot write ${doing}: ${causeOf(e)}\n${before}: ${next}`);
  }
  return written;
}

/**
 * A file that must not exist: its name taken first (`wx`), then written. What it cut short, and
 * the folders it made for it, are removed again. Folders by `makeDirs`, as mkdirSync's
 * recursive mode reports EROFS as ENOENT.
 */
function writeNew(fs: WriterFs, file: string, content: string): void {
  const made: string[] = [];
  try {
    makeDirs(fs, path.dirname(file), made);
    writeFileSync(file, "", { flag: "wx" });
    try {
      fs.writeFile(file, content);
    } catch (e) {
      quietly(() => fs.unlink(file));
      throw e;
    }
  } catch (e) {
    if (made[0] !== undefined) quietly(() => removeTree(fs, made[0]!));
    throw e;
  }
}

/** A file replaced by a complete copy, its mode kept (a link is written through, to the file it leads to). */
function replaceFile(fs: WriterFs, file: string, content: string): void {
  const there = existsSync(file);
  const real = there ? realpathSync(file) : file;
  const tmp = `${real}.paodin-fleet-${process.pid}`;
  try {
    fs.writeFile(tmp, content);
    if (there) fs.chmod(tmp, statSync(real).mode & 0o7777);
    fs.rename(tmp, real);
  } catch (e) {
    quietly(() => fs.unlink(tmp));
    throw e;
  }
}

/** A clean-up that may fail: the failure it follows is what is reported. */
function quietly(clean: () => void): void {
  try {
    clean();
  } catch {
    // Reported as it is: what init wrote is said all the same.
  }
}

/** `clusters/, package.json, .gitignore`: what init wrote, clusters/ as one entry. */
function summary(written: readonly string[]): string {
  return [...new Set(written.map((w) => (w.startsWith("clusters/") ? "clusters/" : w.replace(/ \(.*$/, ""))))].join(", ");
}

/** The files init creates, path → content; none of them may exist. */
function fleetFiles(cwd: string, mode: string, host: string, members: readonly string[]): Record<string, string> {
  const template = (name: string): string => readFileSync(path.join(packageRoot(), ...TEMPLATES.split("/"), ...name.split("/")), "utf8");
  const fill = (text: string, values: Record<string, string>): string => text.replace(/@@([A-Z]+)@@/g, (all, key: string) => values[key] ?? all);
  const schemas = schemaLink(cwd);
  const files: Record<string, string> = {};
  files["clusters/fleet.yaml"] = fill(template("clusters/fleet.yaml"), { SCHEMAS: schemas, MODE: mode });
  files[`clusters/${host}.yaml`] = fill(template("clusters/host.yaml"), { SCHEMAS: schemas, NAME: host, IP: "10.0.0.10" });
  members.forEach((m, i) => {
    const n = i + 1;
    files[`clusters/${m}.yaml`] = fill(template("clusters/member.yaml"), { SCHEMAS: schemas, NAME: m, IP: `10.${Math.floor(n / 256)}.${n % 256}.10` });
  });
  files[".github/workflows/paodin-fleet.yml"] = template("ci/github-actions.yml");
  files[".gitlab-ci.yml"] = template("ci/gitlab-ci.yml");
  return files;
}

/**
 * The shipped schemas as seen from clusters/: the repository's own installation
 * (node_modules/paodin-fleet) when there is one, else wherever this paodin-fleet is.
 */
function schemaLink(cwd: string): string {
  const local = path.join(cwd, "node_modules", "paodin-fleet", "schemas");
  const dir = existsSync(local) ? local : path.join(packageRoot(), "schemas");
  return path.relative(path.join(cwd, "clusters"), dir).split(path.sep).join("/");
}

/** package.json with the scripts added (or made), or the scripts that are there already and run something else. */
function packageJson(cwd: string): { text?: string; note: string; conflicts: string[] } {
  const file = path.join(cwd, "package.json");
  if (!existsSync(file)) {
    const pkg = {
      name: path.basename(cwd).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "fleet",
      private: true,
      scripts: { ...SCRIPTS },
      devDependencies: { "paodin-fleet": `^${ownVersion()}` },
    };
    return { text: toJsonText(pkg), note: "new: scripts render, validate, diff", conflicts: [] };
  }
  let pkg: Record<string, unknown>;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    pkg = parsed as Record<string, unknown>;
  } catch (e) {
    return { note: "", conflicts: [`cannot be read as JSON (${(e as Error).message})`] };
  }
  const scripts = (typeof pkg.scripts === "object" && pkg.scripts !== null ? pkg.scripts : {}) as Record<string, unknown>;
  const conflicts = Object.entries(SCRIPTS)
    .filter(([name, command]) => scripts[name] !== undefined && scripts[name] !== command)
    .map(([name, command]) => `the script "${name}" runs ${JSON.stringify(scripts[name])}, not ${JSON.stringify(command)}`);
  const added = Object.keys(SCRIPTS).filter((name) => scripts[name] === undefined);
  if (conflicts.length > 0 || added.length === 0) return { note: "", conflicts };
  const text = JSON.stringify({ ...pkg, scripts: { ...scripts, ...SCRIPTS } }, null, detectIndent(readFileSync(file, "utf8")));
  return { text: `${text}\n`, note: `scripts ${added.join(", ")} added`, conflicts };
}

function detectIndent(text: string): string | number {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? 2;
}

/** .gitignore with the lines it lacks appended (or made). */
function gitignoreText(cwd: string): { text?: string; note: string; conflicts: string[] } {
  const file = path.join(cwd, ".gitignore");
  const wanted = readFileSync(path.join(packageRoot(), ...TEMPLATES.split("/"), "gitignore"), "utf8");
  if (!existsSync(file)) return { text: wanted, note: "new", conflicts: [] };
  let have: string;
  try {
    have = readFileSync(file, "utf8");
  } catch (e) {
    return { note: "", conflicts: [`cannot be read (${(e as Error).message})`] };
  }
  const lines = new Set(have.split(/\r?\n/).map((l) => l.trim()));
  const missing = wanted.split("\n").filter((l) => l !== "" && !l.startsWith("#") && !lines.has(l));
  if (missing.length === 0) return { note: "", conflicts: [] };
  return { text: `${have}${have === "" || have.endsWith("\n") ? "" : "\n"}# paodin-fleet\n${missing.join("\n")}\n`, note: `${missing.join(", ")} appended`, conflicts: [] };
}

function ownVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
