import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../src/diagnostics/format.js";
import type { Issue } from "../src/diagnostics/issue.js";
import { parseFleetText } from "../src/load/parse.js";
import type { SourceDoc } from "../src/load/source.js";
import { validateFleet } from "../src/validate/fleet.js";
import { REPO } from "./helpers/cli.js";

/**
 * What makes a fleet one fleet (src/validate/documents.ts, src/validate/fleet.ts): each document
 * a Fleet or a Cluster of paodin-fleet/v1alpha1, exactly one Fleet, one host, unique cluster
 * names across files, every problem reported with its position and, for a repetition, where the
 * first one is. Lines are `file:line:col code message`, as `paodin-fleet validate` prints them.
 * Fast: the documents are read and validated in-process, without a render.
 */
const FLEET = readFileSync(path.join(REPO, "clusters/fleet.yaml"), "utf8");
const cluster = (name: string, role = "member", extra = "") =>
  `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels:\n    node-ip: 10.0.0.1\nspec:\n  role: ${role}\n${role === "member" ? "  destination:\n    server: https://10.0.0.1:6443\n" : ""}${extra}`;

function docsOf(files: Record<string, string>): SourceDoc[] {
  return Object.entries(files).flatMap(([file, text]) => {
    const r = parseFleetText({ file, absPath: `/p/${file}`, text });
    expect(r.issues).toEqual([]);
    return r.docs;
  });
}
const shown = (issues: readonly Issue[]) => issues.map((i) => `${i.file}${i.line === undefined ? "" : `:${i.line}:${i.col}`} ${i.code} ${i.message}`);
function problems(files: Record<string, string>, complete = true): string[] {
  const r = validateFleet(docsOf(files), "clusters", complete);
  expect(r.ok).toBe(false);
  return r.ok ? [] : shown(r.issues);
}

describe("a fleet document", () => {
  it("is a mapping with apiVersion and kind", () => {
    const f = { "clusters/fleet.yaml": FLEET, "clusters/host.yaml": cluster("host", "host") };
    expect(problems({ ...f, "clusters/x.yaml": "- a\n" })).toEqual(["clusters/x.yaml:1:1 schema a fleet document must be a mapping with apiVersion and kind, not a list"]);
    expect(problems({ ...f, "clusters/x.yaml": "just words\n" })).toEqual(["clusters/x.yaml:1:1 schema a fleet document must be a mapping with apiVersion and kind, not a scalar"]);
    expect(problems({ ...f, "clusters/x.yaml": "--- null\n" })).toEqual(["clusters/x.yaml:1:5 schema a fleet document must be a mapping with apiVersion and kind, not a scalar"]);
    expect(problems({ ...f, "clusters/x.yaml": "kind: Cluster\nmetadata: {name: x}\nspec: {role: member}\n" })).toEqual([
      'clusters/x.yaml:1:1 missing-field missing required field "apiVersion" (use "paodin-fleet/v1alpha1")',
    ]);
    expect(problems({ ...f, "clusters/x.yaml": "apiVersion: v1\nmetadata: {name: x}\n" })).toEqual([
      'clusters/x.yaml:1:1 missing-field missing required field "kind" (Fleet or Cluster)',
      'clusters/x.yaml:1:13 unknown-api-version unknown apiVersion "v1"; paodin-fleet reads "paodin-fleet/v1alpha1"',
    ]);
  });

  it("has a kind paodin-fleet knows, with the nearest one suggested", () => {
    const f = { "clusters/fleet.yaml": FLEET, "clusters/host.yaml": cluster("host", "host") };
    expect(problems({ ...f, "clusters/x.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: Clustr\n" })).toEqual(['clusters/x.yaml:2:7 unknown-kind unknown kind "Clustr"; did you mean "Cluster"?']);
    expect(problems({ ...f, "clusters/x.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: Deployment\n" })).toEqual(['clusters/x.yaml:2:7 unknown-kind unknown kind "Deployment" (Fleet or Cluster)']);
    expect(problems({ ...f, "clusters/x.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: 3\n" })).toEqual(["clusters/x.yaml:2:7 unknown-kind unknown kind 3 (Fleet or Cluster)"]);
    // A key of Object.prototype is no kind.
    expect(problems({ ...f, "clusters/x.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: toString\n" })).toEqual(['clusters/x.yaml:2:7 unknown-kind unknown kind "toString" (Fleet or Cluster)']);
  });

  it("reports a wrong apiVersion once, in its own words, beside the schema's other findings", () => {
    const f = { "clusters/fleet.yaml": FLEET, "clusters/host.yaml": cluster("host", "host") };
    expect(problems({ ...f, "clusters/x.yaml": cluster("x").replace("paodin-fleet/v1alpha1", "paodin-fleet/v1").replace("role: member", "role: guest") })).toEqual([
      'clusters/x.yaml:1:13 unknown-api-version unknown apiVersion "paodin-fleet/v1"; paodin-fleet reads "paodin-fleet/v1alpha1"',
      'clusters/x.yaml:8:9 schema must be "host" or "member"',
    ]);
  });
});

describe("one fleet", () => {
  it("has exactly one Fleet: none is an error on the directory, a second points at the first", () => {
    expect(problems({ "clusters/host.yaml": cluster("host", "host") })).toEqual(["clusters/ missing-fleet has no document of kind Fleet; add one (apiVersion: paodin-fleet/v1alpha1, kind: Fleet)"]);
    expect(problems({ "clusters/a.yaml": FLEET, "clusters/b.yaml": `${cluster("host", "host")}---\n${FLEET}` })).toEqual([
      `clusters/b.yaml:${cluster("host", "host").split("\n").length + FLEET.split("\n").indexOf("kind: Fleet") + 1}:7 duplicate-fleet a second Fleet; a fleet has exactly one (the first is at clusters/a.yaml:${FLEET.split("\n").indexOf("kind: Fleet") + 1}:7)`,
    ]);
    // An invalid Fleet is reported as invalid, not also as missing.
    expect(problems({ "clusters/a.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: Fleet\n", "clusters/host.yaml": cluster("host", "host") })).not.toContainEqual(expect.stringContaining("missing-fleet"));
  });

  it("has exactly one host: none is an error on the directory, a second names the first and where it is", () => {
    expect(problems({ "clusters/fleet.yaml": FLEET })).toEqual(["clusters/ missing-host has no document of kind Cluster; add the host (spec.role: host) and its members"]);
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/m.yaml": cluster("m") })).toEqual(["clusters/ missing-host has no cluster with spec.role: host; exactly one cluster must be the host"]);
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/b.yaml": cluster("b-host", "host"), "clusters/a.yaml": `${cluster("z", "member")}---\n${cluster("a-host", "host")}` })).toEqual([
      'clusters/b.yaml:8:9 duplicate-host a second host ("b-host"); exactly one cluster is the host (the first is "a-host" at clusters/a.yaml:19:9)',
    ]);
  });

  it("has unique cluster names across files: the later one, by file and document, points at the first", () => {
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/h.yaml": cluster("host", "host"), "clusters/b.yaml": cluster("m"), "clusters/a.yaml": `${cluster("x")}---\n${cluster("m")}` })).toEqual([
      'clusters/b.yaml:4:9 duplicate-cluster cluster "m" is already defined at clusters/a.yaml:15:9',
    ]);
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/h.yaml": cluster("host", "host"), "clusters/a.yaml": `${cluster("m")}---\n${cluster("m")}` })).toEqual([
      'clusters/a.yaml:15:9 duplicate-cluster cluster "m" is already defined at clusters/a.yaml:4:9',
    ]);
  });

  it("says nothing is missing when a file could not be read: it may be there", () => {
    const r = validateFleet(docsOf({ "clusters/m.yaml": cluster("m") }), "clusters", false);
    expect(r.ok).toBe(true);
    // A Cluster document that is invalid may be the host: no missing-host on top of its error.
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/m.yaml": cluster("m").replace("role: member", "role: hots") })).toEqual(['clusters/m.yaml:8:9 schema must be "host" or "member"']);
  });

  it("hands on the clusters sorted by name, whatever the files' order", () => {
    const r = validateFleet(docsOf({ "clusters/z.yaml": cluster("b"), "clusters/fleet.yaml": FLEET, "clusters/a.yaml": `${cluster("c")}---\n${cluster("a", "host")}` }), "clusters");
    expect(r.ok && r.value.clusters.map((c) => c.value.metadata.name)).toEqual(["a", "b", "c"]);
    expect(r.ok && r.value.fleet.value.metadata.name).toBe("kubesphere-monitoring");
    expect(r.ok && r.value.clustersDir).toBe("clusters");
    // Complete unless said otherwise: what is missing is reported.
    expect(validateFleet(docsOf({ "clusters/m.yaml": cluster("m") }), "clusters").ok).toBe(false);
  });
});

describe("credentials in a fleet document", () => {
  it("are refused where they are, once, with the advice, even in an invalid document", () => {
    // An unknown field too: only the credential is reported there.
    const withKey = cluster("host", "host", "  secret_key: wJalrXUtnFEMIK7MDENGbPxRfiCY\n");
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/h.yaml": withKey })).toEqual([
      "clusters/h.yaml:9:15 plain-text-secret looks like a credential in plain text; credentials must not be written in the fleet: they would be committed and rendered in plain text into overlays/. Read them from your secret store with central.objectStorage.source.externalSecret.credentials, or provide the Secret as existingSecret, sealedSecret or sops",
    ]);
    // Another unknown field of the same document is still reported.
    const both = cluster("host", "host", "  secret_key: wJalrXUtnFEMIK7MDENGbPxRfiCY\n  colour: red\n");
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/h.yaml": both }).map((l) => l.split(";")[0])).toEqual([
      "clusters/h.yaml:9:15 plain-text-secret looks like a credential in plain text",
      'clusters/h.yaml:10:3 unknown-field unknown field "colour" (known fields: role, destination, kubeConfig, nodeAddresses, overrides)',
    ]);
    const inText = cluster("host", "host").replace("  labels:\n", "  labels:\n    note: |\n      a\n      -----BEGIN RSA PRIVATE KEY-----\n");
    expect(problems({ "clusters/fleet.yaml": FLEET, "clusters/h.yaml": inText })[0]).toMatch(/^clusters\/h\.yaml:6:11 plain-text-secret contains a private key \(line 2 of the text\); credentials must not be written/);
  });
});

describe("as the CLI prints them", () => {
  const printed = (files: Record<string, string>) => {
    const r = validateFleet(docsOf(files), "clusters");
    return r.ok ? [] : r.issues.map((i) => formatIssue(i));
  };
  const host = { "clusters/host.yaml": cluster("host", "host") };

  it("a document's own problems: at its start, or at its kind, with the path after the position", () => {
    expect(printed({ ...host, "clusters/fleet.yaml": FLEET, "clusters/x.yaml": "metadata: {name: x}\n" })).toEqual([
      'clusters/x.yaml:1:1 missing required field "apiVersion" (use "paodin-fleet/v1alpha1")',
      'clusters/x.yaml:1:1 missing required field "kind" (Fleet or Cluster)',
    ]);
    expect(printed({ ...host, "clusters/fleet.yaml": FLEET, "clusters/x.yaml": "apiVersion: paodin-fleet/v1alpha1\nkind: Flet\n" })).toEqual(['clusters/x.yaml:2:7 kind: unknown kind "Flet"; did you mean "Fleet"?']);
    // A top-level field the schema does not know is reported, beside an apiVersion reported in its own words.
    expect(printed({ ...host, "clusters/fleet.yaml": FLEET, "clusters/m.yaml": `${cluster("m").replace("paodin-fleet/v1alpha1", "v1")}status: x\n` })).toEqual([
      'clusters/m.yaml:1:13 apiVersion: unknown apiVersion "v1"; paodin-fleet reads "paodin-fleet/v1alpha1"',
      'clusters/m.yaml:11:1 status: unknown field "status" (known fields: apiVersion, kind, metadata, spec)',
    ]);
  });

  it("a value of the wrong type because of how YAML 1.2 reads it: how to write it, in the user's own spelling", () => {
    const fleet = (line: string) => ({ ...host, "clusters/fleet.yaml": FLEET.replace("  exposure:\n", `  exposure:\n    restrictToFleet: ${line}\n`) });
    const at = `clusters/fleet.yaml:${FLEET.split("\n").indexOf("  exposure:") + 2}:22 spec.exposure.restrictToFleet:`;
    expect(printed(fleet("yes"))).toEqual([`${at} must be true or false, not the string "yes"; YAML 1.2 reads yes as a string: write restrictToFleet: true`]);
    expect(printed(fleet('"true"'))).toEqual([`${at} must be true or false, not the string "true"; write restrictToFleet: true, without quotes`]);
    expect(printed(fleet("'off'"))).toEqual([`${at} must be true or false, not the string "off"; write restrictToFleet: false, without quotes`]);
    expect(printed(fleet("|\n      yes"))).toEqual([`${at} must be true or false, not the string "yes\\n"`]);
    const named = (name: string) => ({ ...host, "clusters/fleet.yaml": FLEET, "clusters/m.yaml": cluster("m").replace("  name: m\n", `  name: m\n  annotations:\n    note: ${name}\n`) });
    expect(printed(named("012"))).toEqual(['clusters/m.yaml:6:11 metadata.annotations.note: must be a string, not the number 12; quote it: note: "012"']);
    expect(printed(named("~"))).toEqual(['clusters/m.yaml:6:11 metadata.annotations.note: must be a string, not null; quote it: note: "~"']);
    expect(printed(named(""))).toEqual(["clusters/m.yaml:6:11 metadata.annotations.note: must be a string, not empty"]);
  });
});

