import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { FleetError, sortIssues, UsageError } from "../../diagnostics/issue.js";
import { fieldReference, spliceReference } from "../../schemas/docs.js";
import { GENERATED_DIR, generateTypes, type GeneratedFile } from "../../schemas/typegen.js";
import { generateValidators, VALIDATORS_FILE } from "../../schemas/validators.js";
import { packageRoot } from "../../package-root.js";
import { readSchemas } from "../../validate/ajv.js";
import { COMMON, parse } from "../args.js";
import { enterProject, howToRun, OPERATOR_SCHEMAS } from "../project.js";
import type { Io } from "../io.js";
import { printWarnings, type CommandResult } from "./shared.js";
import { EXIT } from "../exit-codes.js";
import { byCodeUnits } from "../../order.js";

export const SCHEMAS_HELP = `Usage: paodin-fleet schemas [--check]
       paodin-fleet schemas import CRD.yaml... [--out DIR]

schemas          generate TypeScript types (src/generated/) from every JSON Schema in
                 schemas/; --check writes nothing and exits 2 when they are stale. Only in
                 paodin-fleet's own source checkout (it writes paodin-fleet's sources).
schemas import   turn CustomResourceDefinition manifests into JSON Schemas, one per kind
                 and version, named <group>/<kind>_<version>.json (default --out: schemas,
                 beside clusters/). The operator's, in ${OPERATOR_SCHEMAS}/, are then what
                 the fleet is validated against and the host's CRDs are rendered from.

Options:
  --check      (schemas) fail when the generated types are stale
  --out DIR    (schemas import) where to write the schemas
  -h, --help   show this help
`;


export async function schemasCommand(argv: readonly string[], io: Io): Promise<CommandResult> {
  if (argv[0] === "import") return importCommand(argv.slice(1), io);
  const { values } = parse(argv, { ...COMMON, check: { type: "boolean", default: false } });
  if (values.help) return { code: EXIT.ok, stdout: SCHEMAS_HELP };
  if (!isSourceCheckout()) {
    throw new UsageError(
      "`paodin-fleet schemas` regenerates paodin-fleet's own TypeScript sources and runs only in its source checkout; " +
        "an installed paodin-fleet is never changed. To use your operator's CRDs, run `paodin-fleet schemas import CRD.yaml...`: " +
        `it writes ${OPERATOR_SCHEMAS}/ in your repository, which validation and the rendered CRDs then use`,
    );
  }
  const schemas = readSchemas();
  const files = [...(await generateTypes(schemas)), { path: VALIDATORS_FILE, content: generateValidators(schemas) }];
  const dir = path.join(packageRoot(), GENERATED_DIR);
  const stale = await staleFiles(dir, files);
  const readmePath = path.join(packageRoot(), "README.md");
  const readme = await readFile(readmePath, "utf8").catch(() => undefined);
  const newReadme = readme === undefined ? undefined : spliceReference(readme, fieldReference(schemas));
  if (newReadme !== readme) stale.push("~ README.md (field reference)");
  if (values.check) {
    if (stale.length === 0) return { code: EXIT.ok, stdout: `${GENERATED_DIR}/ and the README's field reference are up to date (${files.length} files).\n` };
    return { code: EXIT.drift, stdout: `Generated files are stale; run \`${howToRun(packageRoot(), "schemas")}\`:\n${stale.map((s) => `  ${s}\n`).join("")}` };
  }
  await rm(dir, { recursive: true, force: true });
  for (const f of files) {
    const target = path.join(dir, ...f.path.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
  }
  if (newReadme !== undefined && newReadme !== readme) await writeFile(readmePath, newReadme);
  return { code: EXIT.ok, stdout: `Generated ${files.length} type files in ${GENERATED_DIR}/ and the README's field reference (${stale.length} changed).\n` };
}

/** paodin-fleet's own checkout (its sources beside the schemas), not an installed package. */
function isSourceCheckout(): boolean {
  return existsSync(path.join(packageRoot(), "src", "schemas", "typegen.ts"));
}

async function staleFiles(dir: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const stale: string[] = [];
  const want = new Map(files.map((f) => [f.path, f.content]));
  const have = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(r);
      else have.set(r, await readFile(path.join(dir, r), "utf8"));
    }
  };
  await walk("");
  for (const [p, content] of want) if (have.get(p) !== content) stale.push(`${have.has(p) ? "~" : "+"} ${GENERATED_DIR}/${p}`);
  for (const p of have.keys()) if (!want.has(p)) stale.push(`- ${GENERATED_DIR}/${p}`);
  return stale.sort((a, b) => byCodeUnits(a.slice(2), b.slice(2)));
}

async function importCommand(argv: readonly string[], cmdIo: Io): Promise<CommandResult> {
  const { values: given, positionals: args } = parse(argv, { ...COMMON, out: { type: "string" } }, true);
  if (given.help) return { code: EXIT.ok, stdout: SCHEMAS_HELP };
  if (args.length === 0) throw new UsageError("schemas import needs at least one CRD file");
  // Into the fleet repository's schemas/ (found as render finds it), paths shown relative to it.
  const project = enterProject(cmdIo, { clustersGiven: false, needFleet: false, schemas: false });
  const io = project.io;
  const values = { out: given.out === undefined ? "schemas" : project.given(given.out) };
  const positionals = args.map((f) => project.given(f));
  const { importCrds } = await import("../../schemas/import.js");
  const inputs = [];
  for (const file of positionals) {
    try {
      inputs.push({ file, text: await readFile(path.resolve(io.cwd, file), "utf8") });
    } catch {
      throw new FleetError([{ code: "file-unreadable", severity: "error", file, message: "cannot be read" }]);
    }
  }
  const { files, issues } = importCrds(inputs);
  if (issues.some((i) => i.severity === "error")) throw new FleetError(sortIssues(issues));
  printWarnings(sortIssues(issues), io);
  const out = path.resolve(io.cwd, values.out);
  for (const f of files) {
    const target = path.join(out, ...f.path.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
  }
  return { code: EXIT.ok, stdout: files.map((f) => `wrote ${path.posix.join(values.out, f.path)}\n`).join("") };
}
