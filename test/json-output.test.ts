import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/**
 * `--json` of `render` and `validate`, as a CI script reads it: the exact shape, on a valid
 * fleet and an invalid one, with the exit code beside it, and nothing but the JSON document on
 * stdout (and, on success, nothing on stderr).
 */

const json = (stdout: string): unknown => {
  expect(stdout.endsWith("}\n")).toBe(true);
  return JSON.parse(stdout) as unknown;
};

const ALL_FILES = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out.sort();
};

const INVALID = {
  severity: "error",
  code: "schema",
  file: "clusters/host.yaml",
  line: 9,
  col: 9,
  path: "spec.role",
  message: 'must be "host" or "member"',
};

describe("--json", () => {
  let t: { dir: string; cleanup: () => void };
  let files: Record<string, string>;
  beforeAll(() => {
    files = exampleFleet();
    t = testdir(files);
  });
  afterAll(() => t.cleanup());

  it("validate --json on a valid fleet: valid, its mode, host, members and the number of warnings", async () => {
    const r = await run(["validate", "--json"], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(json(r.stdout)).toEqual({ valid: true, mode: "central", host: "host", members: ["member-1", "member-2"], warnings: 0 });
  });

  it("render --json, the first time: every file added, listed in order", async () => {
    const r = await run(["render", "--json"], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = json(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["written", "added", "changed", "removed", "foreign", "blocked"]);
    expect(out).toEqual({ written: true, added: ALL_FILES(path.join(t.dir, "overlays")), changed: [], removed: [], foreign: [], blocked: [] });
    expect((out.added as string[]).length).toBeGreaterThan(20);
  });

  it("render --json again, and render --check --json: nothing to do", async () => {
    const r = await run(["render", "--json"], t.dir);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual({ written: true, added: [], changed: [], removed: [], foreign: [], blocked: [] });
    const c = await run(["render", "--check", "--json"], t.dir);
    expect(c.code).toBe(0);
    expect(c.stderr).toBe("");
    expect(json(c.stdout)).toEqual({ upToDate: true, added: [], changed: [], removed: [], foreign: [], blocked: [] });
  });

  it("render --check --json on drift: exit 2, what would change; render --json then writes exactly that", async () => {
    writeFileSync(path.join(t.dir, "clusters/fleet.yaml"), files["clusters/fleet.yaml"]!.replace(":30990", ":30991"));
    writeFileSync(path.join(t.dir, "overlays/notes.txt"), "mine\n");
    const changed = ["host", "member-1", "member-2"].flatMap((c) => [
      `${c}/clusterconfiguration.installer.kubesphere.io_kubesphere-system_ks-installer.yaml`,
      `${c}/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml`,
    ]);
    const c = await run(["render", "--check", "--json"], t.dir);
    expect(c.code).toBe(2);
    expect(json(c.stdout)).toEqual({ upToDate: false, added: [], changed, removed: [], foreign: ["notes.txt"], blocked: [] });
    const r = await run(["render", "--json"], t.dir);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual({ written: true, added: [], changed, removed: [], foreign: ["notes.txt"], blocked: [] });
    // A foreign file alone is drift too.
    const again = await run(["render", "--check", "--json"], t.dir);
    expect(again.code).toBe(2);
    expect(json(again.stdout)).toEqual({ upToDate: false, added: [], changed: [], removed: [], foreign: ["notes.txt"], blocked: [] });
  });

  it("a removed cluster: its files are listed as removed", async () => {
    writeFileSync(path.join(t.dir, "clusters/members.yaml"), files["clusters/members.yaml"]!.split(/^---\n/m).filter((d) => !d.includes("name: member-2")).join("---\n"));
    const c = await run(["render", "--check", "--json"], t.dir);
    expect(c.code).toBe(2);
    const out = json(c.stdout) as { removed: string[]; changed: string[]; added: string[] };
    expect(out.removed).toEqual(ALL_FILES(path.join(t.dir, "overlays")).filter((f) => f.startsWith("member-2/") || f === "_flux/member-2.yaml"));
    expect(out.changed).toEqual([...out.changed].sort());
    expect(out.changed).toEqual(expect.arrayContaining(["_argocd/applicationset.yaml", "_flux/kustomization.yaml"]));
    expect(out.added).toEqual([]);
    writeFileSync(path.join(t.dir, "clusters/members.yaml"), files["clusters/members.yaml"]!);
  });

  it.each([["validate", "--json"], ["render", "--json"], ["render", "--check", "--json"]])("%s %s %s on an invalid fleet: exit 1, valid: false and every issue with its code and position", async (...argv) => {
    const bad = testdir({ ...files, "clusters/host.yaml": files["clusters/host.yaml"]!.replace("role: host", "role: boss") });
    try {
      const r = await run(argv.filter((a) => a !== undefined), bad.dir);
      expect(r.code).toBe(1);
      expect(json(r.stdout)).toEqual({ valid: false, issues: [INVALID] });
    } finally {
      bad.cleanup();
    }
  });

  it("several issues, in file order, each with its own code", async () => {
    const bad = testdir({
      ...files,
      "clusters/host.yaml": files["clusters/host.yaml"]!.replace("role: host", "role: boss"),
      "clusters/members.yaml": files["clusters/members.yaml"]!.replace("name: member-1", "name: Member_1"),
      "clusters/extra.yaml": "a: [1\n",
    });
    try {
      const r = await run(["validate", "--json"], bad.dir);
      expect(r.code).toBe(1);
      const out = json(r.stdout) as { valid: boolean; issues: { code: string; file: string; line?: number; col?: number }[] };
      expect(out.valid).toBe(false);
      expect(out.issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.code}`)).toEqual([
        "clusters/extra.yaml:2:1 yaml-syntax",
        "clusters/host.yaml:9:9 schema",
        "clusters/members.yaml:5:9 schema",
      ]);
      for (const i of out.issues) expect(Object.keys(i).slice(0, 3)).toEqual(["severity", "code", "file"]);
    } finally {
      bad.cleanup();
    }
  });
});
