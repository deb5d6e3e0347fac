import { describe, expect, it } from "vitest";
import { findCredentials } from "../src/validate/credentials.js";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/**
 * The credential scan reads a string that holds a file line by line, as the file's reader would:
 * YAML `key: value` lines however they are spaced and quoted, JSON or flow pairs however compact,
 * block scalars. Each row: a line of an embedded file, and whether it holds a credential in clear.
 */
const LINES: readonly (readonly [string, boolean])[] = [
  ['{"password":"hunter2"}', true], // compact JSON: no blank after the colon
  ['{"a": 1, "password" : "hunter2"}', true], // a blank before the colon, not at the line's start
  ['{"password": hunter2}', true], // an unquoted flow value
  ["{'token': '{{ .t }}'}", false], // a template expression in single quotes is what it should be
  ["{'token': 'x y z'}", true],
  ["password : hunter2", true], // YAML, a blank before the colon
  ["-   password: hunter2", true], // a list item with more than one blank
  ["password: abc|", true], // ends with `|` but opens no block
  ['password: "   "', false], // blank inside quotes: nothing
  ["password: '{{ .pw }}'", false],
  ["password: hunter2 # rotated", true],
];

describe("credentials in embedded files, line by line", () => {
  it.each(LINES)("%j holds a credential: %s", (line, found) => {
    // A blank line after it: a line taken for a block's header has nothing to hold.
    const findings = findCredentials({ data: { "config.yaml": `first: line\n${line}\n\nlast: line\n` } });
    expect(findings.length > 0, JSON.stringify(findings)).toBe(found);
    if (found) expect(findings.map((f) => f.line)).toContain(2);
  });

  it("reads a block scalar's first line as the key's value", () => {
    expect(findCredentials({ f: "password: |\n  hunter2\n" })).toHaveLength(1);
    expect(findCredentials({ f: "password: |\n\n" })).toEqual([]);
  });

  it("walks objects with nulls in them", () => {
    expect(findCredentials({ a: null, b: [null, { password: "x" }] })).toEqual([{ path: ["b", 1, "password"], what: "a value for password", byKey: true }]);
  });
});

describe("the output scan's report", () => {
  it("names the file, the path, what it found and no embedded line for a one-line string, as an error with its code", async () => {
    // Neither label is a credential; the template joins them into an AWS access key id.
    const files = exampleFleet();
    files["clusters/host.yaml"] = files["clusters/host.yaml"]!.replace("  labels:\n", "  labels:\n    a: AKIA\n    b: ABCDEFGHIJKLMNOP\n");
    files["clusters/fleet.yaml"] = files["clusters/fleet.yaml"]!.replace('gatewayURL: "http://{{host.labels.node-ip}}:30990"', 'gatewayURL: "http://{{host.labels.node-ip}}:30990/x-{{host.labels.a}}{{host.labels.b}}"');
    const { dir, cleanup } = testdir(files);
    try {
      const r = await run(["render", "--json"], dir);
      expect(r.code).toBe(1);
      const { issues } = JSON.parse(r.stdout) as { issues: Record<string, unknown>[] };
      const host = issues.find((i) => String(i.file).startsWith("overlays/host/prometheus"));
      expect(host).toMatchObject({
        code: "plain-text-secret",
        severity: "error",
        file: "overlays/host/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml",
        message: "the rendered file would hold an AWS access key id in clear; find where it comes from (the files named in its first line) and keep it in your secret store instead",
      });
    } finally {
      cleanup();
    }
  });
});
