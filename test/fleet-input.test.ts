import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/diagnostics/format.js";
import { parseFleetText } from "../src/load/parse.js";
import { readSimpleDocuments } from "../src/load/simple-yaml.js";
import { validateDocument } from "../src/validate/documents.js";
import { exampleFleet, readTreeSync, run, testdir } from "./helpers/cli.js";

/**
 * Fleet files as people write them (issue 17): empty YAML documents, and `#if` guarding a
 * label that some clusters do not have.
 */

/** A tab in a comment: outside the fast reader's subset, so the file goes through the `yaml` package. */
const SLOW = "#\tread by the yaml package\n";

function parse(text: string) {
  return parseFleetText({ file: "clusters/f.yaml", absPath: "/x/clusters/f.yaml", text });
}

/** Values, document indexes and the messages of each document's validation, placed in the file. */
function loaded(text: string) {
  const { docs, issues } = parse(text);
  return {
    values: docs.map((d) => d.value),
    issues: [...issues, ...docs.flatMap((d) => validateDocument(d).issues)].map((i) => formatIssue(i)),
  };
}

const CLUSTER = (name: string, role = "member") => `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  role: ${role}\n`;

describe("empty YAML documents are skipped, as kubectl skips them", () => {
  const texts = {
    "a trailing ---": `${CLUSTER("a")}---\n`,
    "a trailing --- with a comment": `${CLUSTER("a")}--- # end\n`,
    "two --- in a row": `${CLUSTER("a")}---\n---\n${CLUSTER("b")}`,
    "a document of comments only": `${CLUSTER("a")}---\n# b was removed\n---\n${CLUSTER("c")}`,
    "--- first, twice": `---\n---\n${CLUSTER("a")}`,
  };

  it.each(Object.entries(texts))("%s: read by both readers alike, with nothing to report", (_name, text) => {
    expect(readSimpleDocuments(text, 64, 1000), "the fast reader reads it").toBeDefined();
    const fast = loaded(text);
    const slow = loaded(SLOW + text);
    expect(fast.issues).toEqual([]);
    expect(fast.values.length).toBeGreaterThan(0);
    expect(slow).toEqual(fast);
  });

  it("an error after empty documents is placed on its own line, by both readers", () => {
    const text = `---\n---\n${CLUSTER("a")}---\n# gone\n---\n${CLUSTER("b", "membre")}---\n`;
    const fast = loaded(text);
    expect(fast.issues).toEqual(['clusters/f.yaml:17:9 spec.role: must be "host" or "member"']);
    // One line more above everything: the same error, a line further down.
    expect(loaded(SLOW + text).issues).toEqual(['clusters/f.yaml:18:9 spec.role: must be "host" or "member"']);
  });

  it("a file of empty documents only has no documents, on both paths; an explicit null is still refused", () => {
    for (const text of ["---\n", "---\n---\n", "# c\n---\n# d\n"]) {
      expect(parse(text).issues.map((i) => formatIssue(i)), text).toEqual(["clusters/f.yaml:1:1 has no YAML documents; delete it or add a Fleet or Cluster"]);
      expect(parse(SLOW + text).issues.map((i) => formatIssue(i)), text).toEqual(["clusters/f.yaml:1:1 has no YAML documents; delete it or add a Fleet or Cluster"]);
    }
    expect(loaded(`${CLUSTER("a")}---\nnull\n`).issues).toEqual(["clusters/f.yaml:8:1 a fleet document must be a mapping with apiVersion and kind, not a scalar"]);
    expect(loaded(`${CLUSTER("a")}---\n~\n`).issues).toEqual(["clusters/f.yaml:8:1 a fleet document must be a mapping with apiVersion and kind, not a scalar"]);
  });

  it("the example fleet with empty documents renders exactly as without them", async () => {
    const files = exampleFleet();
    const { dir: plain, cleanup: c1 } = testdir(files);
    const edited = {
      ...files,
      "clusters/host.yaml": `---\n${files["clusters/host.yaml"]!}---\n---\n`,
      "clusters/members.yaml": `${files["clusters/members.yaml"]!.replace("\n---\n", "\n---\n# a comment\n---\n---\n")}--- # end\n`,
      // And one that the yaml package reads (a tab in a comment).
      "clusters/fleet.yaml": `${files["clusters/fleet.yaml"]!}${SLOW}---\n`,
    };
    const { dir, cleanup: c2 } = testdir(edited);
    try {
      const a = await run(["render"], plain);
      const b = await run(["render"], dir);
      expect(b).toEqual(a);
      expect(b.stderr).toBe("");
      expect(readTreeSync(path.join(dir, "overlays"))).toEqual(readTreeSync(path.join(plain, "overlays")));
    } finally {
      c1();
      c2();
    }
  });
});

describe("#if guards a label that some clusters lack", () => {
  it("renders the label where it is set and the fallback elsewhere (issue 17: sidecarAddress)", async () => {
    const files = exampleFleet();
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace("mode: central", "mode: scattered").replace(
      'sidecarAddress: "{{cluster.labels.node-ip}}:30901"',
      'sidecarAddress: "{{#if cluster.labels.sidecar}}{{cluster.labels.sidecar}}{{else}}{{cluster.labels.node-ip}}:30901{{/if}}"',
    );
    files["clusters/members.yaml"] = files["clusters/members.yaml"]!.replace("    node-ip: 10.0.1.10\n", "    node-ip: 10.0.1.10\n    sidecar: member-1-sidecar.example.com:10901\n");
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render"], dir);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const service = readTreeSync(path.join(dir, "overlays/host")).get("service.monitoring.paodin.io_kubesphere-monitoring-system_scattered.yaml")!;
      expect(service).toContain("- prometheus-operated:10901\n");
      expect(service).toContain("- member-1-sidecar.example.com:10901\n");
      expect(service).toContain("- 10.0.2.10:30901\n");
    } finally {
      cleanup();
    }
  });
});
