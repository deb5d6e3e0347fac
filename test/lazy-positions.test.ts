import path from "node:path";
import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments } from "yaml";
import { parseFleetText } from "../src/load/parse.js";
import { lazySourceDoc, type SourceDoc } from "../src/load/source.js";
import { resolveFleet } from "../src/resolve/resolve.js";
import { validateFleet } from "../src/validate/fleet.js";
import { generatedFleet } from "./helpers/fleets.js";

/**
 * Positions only when an issue needs them: a fleet that names files (a `configMap` base, a
 * sealed or SOPS Secret) is read and resolved without parsing any fleet file with positions;
 * where a file was named is worked out when a message about it is written.
 */

function load(files: Record<string, string>): { docs: SourceDoc[]; parsed: string[] } {
  const parsed: string[] = [];
  const docs: SourceDoc[] = [];
  for (const [file, text] of Object.entries(files)) {
    const absPath = path.resolve("/fleet", file);
    for (const d of parseFleetText({ file, absPath, text }).docs) {
      // The same document, counting every parse with positions.
      docs.push(
        lazySourceDoc(file, absPath, d.index, d.value, () => {
          parsed.push(file);
          const lineCounter = new LineCounter();
          return { docs: [...parseAllDocuments(text, { lineCounter, uniqueKeys: false })], lineCounter };
        }),
      );
    }
  }
  return { docs, parsed };
}

function configMapFleet(members: number, source?: string): Record<string, string> {
  const files = generatedFleet(members);
  let fleet = `${files["clusters/fleet.yaml"]!}  kubesphere:\n    strategy: configMap\n    base: ../kubesphere/member.yaml\n`;
  if (source !== undefined) fleet = fleet.replace(/ {4}objectStorage:\n(?: {6}.*\n)+/, `    objectStorage:\n      source:\n${source}`);
  files["clusters/fleet.yaml"] = fleet;
  files["clusters/host.yaml"] += "  overrides:\n    kubesphere:\n      base: ../kubesphere/host.yaml\n";
  return files;
}

describe("positions only when an issue needs them", () => {
  it.each([
    ["a configMap base", undefined],
    ["a sealed Secret", "        sealedSecret:\n          file: ../secrets/objectstorage.yaml\n"],
    ["a SOPS Secret", "        sops:\n          file: ../secrets/objectstorage.yaml\n"],
  ])("%s: 200 members resolved, no file parsed with positions", (_, source) => {
    const files = configMapFleet(200, source);
    const { docs, parsed } = load(files);
    const valid = validateFleet(docs, "clusters");
    if (!valid.ok) throw new Error(JSON.stringify(valid.issues));
    expect(valid.warnings).toEqual([]);
    const resolved = resolveFleet(valid.value);
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    expect(resolved.warnings).toEqual([]);
    expect(parsed).toEqual([]);

    const member = resolved.value.members[0]!.kubesphere.base!;
    const host = resolved.value.host.kubesphere.base!;
    expect([member.display, host.display]).toEqual(["kubesphere/member.yaml", "kubesphere/host.yaml"]);
    if (source !== undefined) {
      const src = resolved.value.host.central.objectStorage.source;
      expect(src.kind !== "existingSecret" && src.kind !== "externalSecret" && src.file.display).toBe("secrets/objectstorage.yaml");
    }
    expect(parsed).toEqual([]);

    // A message about the file: now its position is needed, and only the naming file is parsed.
    const fleetLines = files["clusters/fleet.yaml"]!.split("\n");
    expect(member.namedAt).toMatchObject({ file: "clusters/fleet.yaml", line: fleetLines.indexOf("    base: ../kubesphere/member.yaml") + 1, col: 11 });
    expect({ ...host.namedAt }).toMatchObject({ file: "clusters/host.yaml", line: files["clusters/host.yaml"]!.split("\n").indexOf("      base: ../kubesphere/host.yaml") + 1 });
    expect([...new Set(parsed)].sort()).toEqual(["clusters/fleet.yaml", "clusters/host.yaml"]);
  });
});
