// Regenerates schemas/kubernetes/ from the pinned kubernetes-models package (see
// src/schemas/kubernetes.ts, which does the work and neither prints nor writes):
// `npm run build && node scripts/kubernetes-schemas.mjs`; `--check` only compares (exit 2 when stale).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateKubernetesSchemas, KUBERNETES_DIR, packageLookup, readGenerated, ROOTS, SOURCE, staleFiles } from "../dist/schemas/kubernetes.js";

const SCHEMA_DIR = fileURLToPath(new URL("../schemas/", import.meta.url));

const { lookup, version } = packageLookup();
if (version !== SOURCE.version) throw new Error(`${SOURCE.name}@${version} is installed, ${SOURCE.version} expected: run npm ci`);
const files = generateKubernetesSchemas(ROOTS, lookup);
const stale = staleFiles(files, readGenerated(SCHEMA_DIR));
if (process.argv.slice(2).includes("--check")) {
  process.stdout.write(stale.length === 0 ? `schemas/${KUBERNETES_DIR}/ is up to date.\n` : `schemas/${KUBERNETES_DIR}/ is stale:\n${stale.map((s) => `  ${s}\n`).join("")}`);
  process.exitCode = stale.length === 0 ? 0 : 2;
} else {
  // The folder is wholly generated: replace it.
  rmSync(path.join(SCHEMA_DIR, KUBERNETES_DIR), { recursive: true, force: true });
  mkdirSync(path.join(SCHEMA_DIR, KUBERNETES_DIR), { recursive: true });
  for (const f of files) writeFileSync(path.join(SCHEMA_DIR, ...f.path.split("/")), f.content);
  process.stdout.write(`Wrote ${files.length} files to schemas/${KUBERNETES_DIR}/ (${stale.length} changed).\n`);
}
