import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { AnySchemaObject } from "ajv";
import { FleetError, UsageError, type Issue } from "../diagnostics/issue.js";
import { packageRoot } from "../package-root.js";
import { checkObject } from "../check/output.js";
import { crdObject, PAODIN_KINDS } from "../plan/crds.js";
import { overrideSchemas, runtimeValidator } from "../validate/ajv.js";
import type { Io } from "./io.js";

/**
 * The fleet repository a command works on. Its root is the nearest directory, from the working
 * directory up, that holds a `clusters/` directory; the walk stops at the top of the git
 * repository (a directory holding `.git`), so that a folder above the repository is never taken
 * for the fleet. Commands run from the root (defaults and messages are relative to it); paths the
 * user gives on the command line are relative to where they typed them.
 */
export interface Project {
  /** The fleet repository's root, absolute. */
  readonly root: string;
  /** The command's Io, with the root as working directory. */
  readonly io: Io;
  /** A path given on the command line (relative to the user's working directory), relative to the root. */
  given(p: string): string;
  /** How the user runs a paodin-fleet command here: `npm run render` when package.json has that script, else `paodin-fleet render`. */
  command(name: string): string;
}

const FLEET_DIR = "clusters";

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest directory from `cwd` up with a `clusters/` directory, not above the git repository's top. */
export function findRoot(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    if (isDir(path.join(dir, FLEET_DIR))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir || existsSync(path.join(dir, ".git"))) return undefined;
    dir = parent;
  }
}

/**
 * The project for a command. With `--clusters DIR` given, the working directory is the project,
 * as written; otherwise the root is found (see Project). `needFleet`: fail, saying how to make one,
 * when there is no fleet to be found. Unless `schemas: false`, also points validation and the
 * rendered CRDs at the repository's own operator schemas, when it has some (see `useProjectSchemas`).
 */
export function enterProject(io: Io, options: { clustersGiven: boolean; needFleet: boolean; schemas?: boolean }): Project {
  const found = options.clustersGiven ? io.cwd : findRoot(io.cwd);
  if (found === undefined && options.needFleet) {
    throw new UsageError(
      `no fleet here: neither this directory nor one above it (up to the top of the git repository) holds a ${FLEET_DIR}/ directory; ` +
        "run `paodin-fleet init` to make one, or name the fleet's directory with --clusters DIR",
    );
  }
  const root = found ?? io.cwd;
  const project: Project = {
    root,
    io: root === io.cwd ? io : { ...io, cwd: root },
    given: (p) => (root === io.cwd || path.isAbsolute(p) ? p : path.relative(root, path.resolve(io.cwd, p)) || "."),
    command: (name) => howToRun(root, name),
  };
  if (options.schemas !== false) useProjectSchemas(project);
  return project;
}

/** `npm run render` when the package.json at `root` has a script `render` that runs paodin-fleet's, else `paodin-fleet render`. */
export function howToRun(root: string, name: string): string {
  return runsPaodinFleet(readScripts(root)[name], name) ? `npm run ${name}` : `paodin-fleet ${name}`;
}

function readScripts(root: string): Record<string, unknown> {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts === "object" && pkg.scripts !== null ? pkg.scripts : {};
  } catch {
    return {};
  }
}

/** `paodin-fleet render`, `node bin/paodin-fleet.js render`, `npx paodin-fleet render --strict`… */
function runsPaodinFleet(script: unknown, name: string): boolean {
  return typeof script === "string" && new RegExp(`paodin-fleet(\\.js)?\\s+${name}\\b`).test(script);
}

/** Where `schemas import` puts the operator's schemas, and where a fleet repository's own are read. */
export const OPERATOR_SCHEMAS = "schemas/monitoring.paodin.io";

/**
 * A fleet repository may hold the JSON Schemas of its own operator build (`paodin-fleet schemas
 * import` of its CRDs, into `schemas/monitoring.paodin.io/`): then the operator's kinds are
 * validated against them and its CRDs rendered from them instead of from the shipped ones, file by
 * file (`service_v1alpha1.json`, `store_v1alpha1.json`, `thanosreceiveingestor_v1alpha1.json`).
 * Their validators are compiled at run time; without such files nothing changes and the
 * precompiled validators are used. paodin-fleet's own checkout ships these files: they are not
 * overrides there.
 */
export function useProjectSchemas(project: Pick<Project, "root" | "io">): void {
  const dir = path.join(project.root, ...OPERATOR_SCHEMAS.split("/"));
  if (!isDir(dir) || sameDir(dir, path.join(packageRoot(), ...OPERATOR_SCHEMAS.split("/")))) {
    overrideSchemas(undefined);
    return;
  }
  const known = new Map<string, string>(PAODIN_KINDS.map((k) => [k.schema.split("/")[1]!, k.schema]));
  const schemas = new Map<string, AnySchemaObject>();
  const issues: Issue[] = [];
  const unused: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    const file = `${OPERATOR_SCHEMAS}/${name}`;
    const id = known.get(name);
    if (id === undefined) {
      unused.push(name);
      continue;
    }
    try {
      const schema = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as unknown;
      if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error("not a JSON object");
      schemas.set(id, { ...(schema as AnySchemaObject), $id: id });
    } catch (e) {
      issues.push({ code: "file-unreadable", severity: "error", file, message: `cannot be read as a JSON Schema (${(e as Error).message})` });
    }
  }
  if (issues.length > 0) throw new FleetError(issues);
  if (unused.length > 0) {
    project.io.stderr.write(
      `paodin-fleet: not used: ${unused.map((u) => `${OPERATOR_SCHEMAS}/${u}`).join(", ")} (paodin-fleet renders monitoring.paodin.io/v1alpha1: ${[...known.keys()].join(", ")})\n`,
    );
  }
  overrideSchemas(schemas.size === 0 ? undefined : schemas);
  // Compiled now, so that a schema ajv cannot use is named, not an internal error later. The
  // Fleet's schema refers to each kind's `properties.spec` (its overrides are validated against
  // it): without one, compiling the Fleet's validator would fail (exit 70, as a bug of ours).
  for (const [id, schema] of schemas) {
    try {
      runtimeValidator(id);
      // (Compiling checked that `properties`, when there, holds schemas.)
      if ((schema.properties as Record<string, unknown> | undefined)?.spec === undefined) {
        throw new Error("it has no properties.spec, the schema of the kind's spec that the Fleet's overrides are validated against");
      }
    } catch (e) {
      overrideSchemas(undefined);
      throw unusable(id, (e as Error).message);
    }
  }
  // The CustomResourceDefinitions rendered from them must be ones the API server takes: a schema
  // too sparse for one is the repository's to fix, named here, not a render's failure (exit 70).
  for (const k of PAODIN_KINDS.filter((k) => schemas.has(k.schema))) {
    let problems: string[];
    try {
      problems = checkObject(crdObject(k));
    } catch (e) {
      problems = [(e as Error).message];
    }
    if (problems.length > 0) {
      overrideSchemas(undefined);
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
      throw unusable(k.schema, `the CustomResourceDefinition rendered from it would be refused: ${problems[0]}${more}`);
    }
  }
}

function unusable(id: string, why: string): FleetError {
  return new FleetError([{ code: "crd-unsupported", severity: "error", file: `${OPERATOR_SCHEMAS}/${id.split("/")[1]}`, message: `is not a JSON Schema paodin-fleet can use: ${why}` }]);
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
