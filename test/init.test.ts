import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { readTreeSync, run, SHARED, testdir } from "./helpers/cli.js";

const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)$/m;

describe("init: a working fleet in one command", () => {
  it("writes clusters/, overlays/, scripts, CI and .gitignore; the result passes render --check at once", async () => {
    const { dir, cleanup } = testdir();
    try {
      const r = await run(["init"], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Rendered 3 clusters into overlays/: 30 added, 0 changed, 0 removed.\n");
      for (const f of ["clusters/fleet.yaml", "clusters/host.yaml", "clusters/member-1.yaml", "clusters/member-2.yaml", ".github/workflows/paodin-fleet.yml", ".gitlab-ci.yml", ".gitignore"]) {
        expect(existsSync(path.join(dir, f)), f).toBe(true);
      }
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> };
      expect(pkg.scripts).toEqual({ render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" });
      expect(await run(["render", "--check"], dir)).toMatchObject({ code: 0, stdout: "overlays/ is up to date (30 files).\n" });
      expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toContain(".*.paodin-fleet/\n");
      // The CI files are YAML, and run the npm scripts init wrote.
      for (const f of [".github/workflows/paodin-fleet.yml", ".gitlab-ci.yml"]) {
        const text = readFileSync(path.join(dir, f), "utf8");
        expect(parseAllDocuments(text).every((d) => d.errors.length === 0), f).toBe(true);
        expect(text).toContain("npm run render -- --check");
        expect(text).toContain("--format markdown");
      }
    } finally {
      cleanup();
    }
  });

  it("--mode scattered, --host and --members name the clusters; the schema links resolve", async () => {
    const { dir, cleanup } = testdir();
    try {
      const r = await run(["init", "--mode", "scattered", "--host", "hq", "--members", "edge-a,edge-b,edge-c"], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(readFileSync(path.join(dir, "clusters/fleet.yaml"), "utf8")).toContain("  mode: scattered\n");
      const overlays = [...readTreeSync(path.join(dir, "overlays")).keys()].map((p) => p.split("/")[0]);
      expect([...new Set(overlays)].sort()).toEqual(["_argocd", "_flux", "edge-a", "edge-b", "edge-c", "hq"]);
      for (const f of ["fleet.yaml", "hq.yaml", "edge-a.yaml"]) {
        const link = SCHEMA_LINE.exec(readFileSync(path.join(dir, "clusters", f), "utf8"))?.[1];
        expect(link, f).toBeDefined();
        expect(existsSync(path.resolve(dir, "clusters", link!)), `${f}: ${link}`).toBe(true);
      }
      expect(await run(["validate"], dir)).toMatchObject({ code: 0, stdout: "The fleet is valid: scattered mode, host hq and 3 members.\n" });
    } finally {
      cleanup();
    }
  });

  it("refuses to overwrite: with a fleet or a conflicting script there it writes nothing", async () => {
    const { dir, cleanup } = testdir({ "clusters/mine.yaml": "# mine\n", ".gitlab-ci.yml": "stages: []\n" });
    try {
      const r = await run(["init"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("  clusters exists\n  .gitlab-ci.yml exists\n");
      expect(readTreeSync(dir)).toEqual(new Map([[".gitlab-ci.yml", "stages: []\n"], ["clusters/mine.yaml", "# mine\n"]]));
    } finally {
      cleanup();
    }
    const other = testdir({ "package.json": `{\n  "name": "x",\n  "scripts": { "render": "make render" }\n}\n` });
    try {
      const r = await run(["init"], other.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('package.json: the script "render" runs "make render", not "paodin-fleet render"');
      expect([...readTreeSync(other.dir).keys()]).toEqual(["package.json"]);
    } finally {
      other.cleanup();
    }
  });

  it("a file, or a link that leads nowhere, where it makes a folder, and files it cannot read: named, and nothing written", async () => {
    const { dir, cleanup } = testdir({ ".github": "not a folder\n" });
    try {
      symlinkSync("nowhere", path.join(dir, "clusters"));
      const r = await run(["init"], dir);
      expect(r).toEqual({
        code: 1,
        stdout: "",
        stderr: "paodin-fleet: init writes nothing over what is there, and this directory already has:\n  clusters exists\n  .github exists\nMove these away (or run init in another directory), then run it again.\n",
      });
      expect(readdirSync(dir).sort()).toEqual([".github", "clusters"]);
    } finally {
      cleanup();
    }
    // A link that leads nowhere, or in a loop, where it makes a folder.
    for (const target of ["nowhere", ".github"]) {
      const linked = testdir();
      try {
        symlinkSync(target, path.join(linked.dir, ".github"));
        const r = await run(["init"], linked.dir);
        expect(r.code, target).toBe(1);
        expect(r.stderr, target).toContain("already has:\n  .github exists\nMove");
        expect(readdirSync(linked.dir), target).toEqual([".github"]);
      } finally {
        linked.cleanup();
      }
    }
    // A .gitignore it cannot read, a package.json either: named, as anything in the way.
    const unread = testdir();
    try {
      mkdirSync(path.join(unread.dir, ".gitignore"));
      mkdirSync(path.join(unread.dir, "package.json"));
      expect(await run(["init"], unread.dir)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "paodin-fleet: init writes nothing over what is there, and this directory already has:\n" +
          "  package.json: cannot be read as JSON (EISDIR: illegal operation on a directory, read)\n" +
          "  .gitignore: cannot be read (EISDIR: illegal operation on a directory, read)\n" +
          "Move these away (or run init in another directory), then run it again.\n",
      });
      expect(readdirSync(unread.dir).sort()).toEqual([".gitignore", "package.json"]);
    } finally {
      unread.cleanup();
    }
    // A link to a folder will do: init writes through it.
    const other = testdir({ "elsewhere/keep": "" });
    try {
      symlinkSync("elsewhere", path.join(other.dir, ".github"));
      expect((await run(["init"], other.dir)).code).toBe(0);
      expect(existsSync(path.join(other.dir, "elsewhere/workflows/paodin-fleet.yml"))).toBe(true);
    } finally {
      other.cleanup();
    }
  });

  it("adds its scripts to a package.json and its lines to a .gitignore, keeping what is there", async () => {
    const { dir, cleanup } = testdir({
      "package.json": `{\n    "name": "platform",\n    "scripts": { "lint": "eslint ." },\n    "devDependencies": { "paodin-fleet": "^0.1.0" }\n}\n`,
      ".gitignore": "dist/\nnode_modules/",
    });
    try {
      expect((await run(["init", "--members", "m1"], dir)).code).toBe(0);
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      expect(pkg).toEqual({
        name: "platform",
        scripts: { lint: "eslint .", render: "paodin-fleet render", validate: "paodin-fleet validate", diff: "paodin-fleet diff" },
        devDependencies: { "paodin-fleet": "^0.1.0" },
      });
      expect(readFileSync(path.join(dir, "package.json"), "utf8")).toMatch(/^ {4}"name"/m);
      const ignore = readFileSync(path.join(dir, ".gitignore"), "utf8");
      expect(ignore.startsWith("dist/\nnode_modules/\n# paodin-fleet\n.*.paodin-fleet/\n")).toBe(true);
      expect(ignore.match(/node_modules/g)).toHaveLength(1);
    } finally {
      cleanup();
    }
  });

  it("a write of its own that fails: exit 74 naming the file, what it cut short removed, what it wrote said, package.json and .gitignore whole", async () => {
    const NEW = "clusters/, .github/workflows/paodin-fleet.yml, .gitlab-ci.yml";
    const again = "then run init again once that is fixed";
    const mine = '{\n    "name": "mine"\n}\n';
    const cases: { faults: string; before?: Record<string, string>; stderr: string; left: string[] }[] = [
      { faults: "EROFS@mkdir#1", stderr: `cannot write clusters/fleet.yaml: read-only file system (EROFS)\ninit wrote nothing: run init again once that is fixed`, left: [] },
      {
        faults: "ENOSPC@writeFile~member-1.yaml",
        stderr: `cannot write clusters/member-1.yaml: no space left on the device (ENOSPC)\ninit wrote clusters/ before that, and nothing else: remove clusters/, ${again}`,
        left: ["clusters/fleet.yaml", "clusters/host.yaml"],
      },
      // The folders it made for the file go with it; one that was there stays.
      {
        faults: "ENOSPC@writeFile~paodin-fleet.yml",
        stderr: `cannot write .github/workflows/paodin-fleet.yml: no space left on the device (ENOSPC)\ninit wrote clusters/ before that, and nothing else: remove clusters/, ${again}`,
        left: ["clusters/fleet.yaml", "clusters/host.yaml", "clusters/member-1.yaml", "clusters/member-2.yaml"],
      },
      {
        faults: "ENOSPC@writeFile~paodin-fleet.yml",
        before: { ".github/CODEOWNERS": "* @me\n" },
        stderr: `cannot write .github/workflows/paodin-fleet.yml: no space left on the device (ENOSPC)\ninit wrote clusters/ before that, and nothing else: remove clusters/, ${again}`,
        left: [".github/CODEOWNERS", "clusters/fleet.yaml", "clusters/host.yaml", "clusters/member-1.yaml", "clusters/member-2.yaml"],
      },
      // package.json replaced by a rename: the one that was there kept whole, the copy removed.
      {
        faults: "ENOSPC@rename~package.json",
        before: { "package.json": mine },
        stderr: `cannot write package.json: no space left on the device (ENOSPC)\ninit wrote ${NEW} before that, and nothing else: remove ${NEW}, ${again}`,
        left: [".github/workflows/paodin-fleet.yml", ".gitlab-ci.yml", "clusters/fleet.yaml", "clusters/host.yaml", "clusters/member-1.yaml", "clusters/member-2.yaml", "package.json"],
      },
      {
        faults: "EIO@writeFile~.gitignore",
        before: { ".gitignore": "dist/\n" },
        stderr: `cannot write .gitignore: input/output error (EIO)\ninit wrote ${NEW}, package.json before that, and nothing else: remove ${NEW}, ${again}`,
        left: [".github/workflows/paodin-fleet.yml", ".gitignore", ".gitlab-ci.yml", "clusters/fleet.yaml", "clusters/host.yaml", "clusters/member-1.yaml", "clusters/member-2.yaml", "package.json"],
      },
    ];
    // Not a failure of the machine: the bug it would be (exit 70), not said as one.
    const bug = testdir();
    try {
      const r = await run(["init"], bug.dir, { PAODIN_FLEET_FAULTS: "EINVAL@writeFile~host.yaml" });
      expect(r.code).toBe(70);
      expect(r.stderr.split("\n")[0]).toBe(`paodin-fleet: internal error (a bug in paodin-fleet, not in your fleet): EINVAL: injected fault, open '${path.join(bug.dir, "clusters/host.yaml")}'`);
    } finally {
      bug.cleanup();
    }
    for (const c of cases) {
      const { dir, cleanup } = testdir(c.before ?? {});
      try {
        const r = await run(["init"], dir, { PAODIN_FLEET_FAULTS: c.faults });
        expect(r, c.faults).toEqual({ code: 74, stdout: "", stderr: `paodin-fleet: ${c.stderr}\n` });
        const tree = readTreeSync(dir);
        expect([...tree.keys()], c.faults).toEqual(c.left);
        // No folder without a file in it either: those made for the file it cut short went with it.
        expect(readdirSync(dir).sort(), c.faults).toEqual([...new Set(c.left.map((f) => f.split("/")[0]!))].sort());
        for (const [f, text] of Object.entries(c.before ?? {})) expect(tree.get(f), f).toBe(text);
        // What is left is whole: as a second init, done as the message says, writes it.
        for (const f of ["clusters", ".github/workflows", ".gitlab-ci.yml"]) rmSync(path.join(dir, f), { recursive: true, force: true });
        expect((await run(["init"], dir)).code, c.faults).toBe(0);
        for (const f of c.left.filter((f) => f.startsWith("clusters/"))) expect(readFileSync(path.join(dir, f), "utf8"), f).toBe(tree.get(f));
      } finally {
        cleanup();
      }
    }
  });

  it("package.json and .gitignore rewritten keep their mode, and a link to them stays a link", async () => {
    const { dir, cleanup } = testdir({ "real/package.json": '{ "name": "mine" }\n', ".gitignore": "dist/\n" });
    try {
      chmodSync(path.join(dir, "real/package.json"), 0o640);
      chmodSync(path.join(dir, ".gitignore"), 0o600);
      symlinkSync("real/package.json", path.join(dir, "package.json"));
      expect((await run(["init"], dir)).code).toBe(0);
      expect(lstatSync(path.join(dir, "package.json")).isSymbolicLink()).toBe(true);
      expect(JSON.parse(readFileSync(path.join(dir, "real/package.json"), "utf8"))).toMatchObject({ name: "mine", scripts: { render: "paodin-fleet render" } });
      expect(statSync(path.join(dir, "real/package.json")).mode & 0o777).toBe(0o640);
      expect(statSync(path.join(dir, ".gitignore")).mode & 0o777).toBe(0o600);
      expect(readdirSync(path.join(dir, "real"))).toEqual(["package.json"]);
    } finally {
      cleanup();
    }
  });

  it("usage errors: a mode, a cluster name, a name given twice", async () => {
    const { dir, cleanup } = testdir();
    try {
      expect((await run(["init", "--mode", "both"], dir)).code).toBe(64);
      expect((await run(["init", "--members", "Member_1"], dir)).stderr).toContain('cluster name "Member_1" is not a DNS-1123 label');
      expect((await run(["init", "--host", "a", "--members", "a,b"], dir)).stderr).toContain('cluster name "a" is given twice');
      expect(readTreeSync(dir).size).toBe(0);
    } finally {
      cleanup();
    }
  });
});

describe("the project root: found from sub-folders, messages relative to it", () => {
  it("render, validate and diff work from a sub-folder of the fleet repository", async () => {
    const { dir, cleanup } = testdir();
    try {
      mkdirSync(path.join(dir, ".git"));
      expect((await run(["init"], dir)).code).toBe(0);
      const sub = path.join(dir, "clusters");
      expect(await run(["render", "--check"], sub)).toMatchObject({ code: 0, stdout: "overlays/ is up to date (30 files).\n" });
      expect((await run(["validate"], sub)).code).toBe(0);
      writeFileSync(path.join(dir, "clusters/member-3.yaml"), "apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: member-3\nspec:\n  role: member\n");
      const stale = await run(["render", "--check"], sub);
      expect(stale.code).toBe(2);
      // package.json has the script: the message names it; paths are the repository's.
      expect(stale.stdout).toContain("overlays/ is stale; `npm run render` would change:\n  + overlays/_flux/member-3.yaml\n");
      expect(stale.stdout).toContain("  + overlays/member-3/kustomization.yaml\n");
      // A path given on the command line is relative to where it is typed.
      expect((await run(["render", "--out", "../overlays"], sub)).stdout).toContain("Rendered 4 clusters into overlays/");
      expect((await run(["diff", "--format", "json"], sub)).code).toBe(0);
      writeFileSync(path.join(dir, "clusters/member-3.yaml"), "apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: member-3\n");
      const invalid = await run(["validate"], sub);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/^clusters\/member-3\.yaml:/m);
    } finally {
      cleanup();
    }
  });

  it("with no clusters/ up to the repository's top: says how to make one", async () => {
    const { dir, cleanup } = testdir({ ".git/HEAD": "ref: refs/heads/main\n", "docs/x.md": "" });
    try {
      const r = await run(["render"], path.join(dir, "docs"));
      expect(r.code).toBe(64);
      expect(r.stderr).toContain("no fleet here");
      expect(r.stderr).toContain("`paodin-fleet init`");
    } finally {
      cleanup();
    }
  });
});

describe("the repository's own operator schemas (schemas import) are used instead of the shipped ones", () => {
  const crd = (): string => readFileSync(path.join(SHARED, "reference/paodin-v1alpha1-crds/monitoring.paodin.io_services.yaml"), "utf8");
  /** The operator's Service CRD with a field of a newer build. */
  const newerCrd = (): string => crd().replace(/^( +)defaultTenantId:\n/m, (all, indent: string) => `${indent}newFeature:\n${indent}  type: string\n${all}`);

  it.skipIf(!existsSync(SHARED))("validation and the rendered CRD follow schemas/monitoring.paodin.io/", async () => {
    const { dir, cleanup } = testdir();
    try {
      expect((await run(["init"], dir)).code).toBe(0);
      const fleet = path.join(dir, "clusters/fleet.yaml");
      writeFileSync(fleet, readFileSync(fleet, "utf8").replace("        gateway:\n", '        newFeature: "on"\n        gateway:\n'));
      const before = await run(["validate"], dir);
      expect(before.code).toBe(1);
      expect(before.stderr).toContain('unknown field "newFeature"');

      writeFileSync(path.join(dir, "services-crd.yaml"), newerCrd());
      const imported = await run(["schemas", "import", "../services-crd.yaml"], path.join(dir, "clusters"));
      expect(imported).toMatchObject({ code: 0, stdout: "wrote schemas/monitoring.paodin.io/service_v1alpha1.json\n" });
      expect((await run(["validate"], dir)).code).toBe(0);
      const check = await run(["render", "--check"], dir);
      expect(check.code).toBe(2);
      expect(check.stdout).toContain("  ~ overlays/host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml\n");
      expect((await run(["render"], dir)).code).toBe(0);
      const rendered = readFileSync(path.join(dir, "overlays/host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml"), "utf8");
      expect(rendered).toContain("newFeature:");
      expect(readFileSync(path.join(dir, "overlays/host/service.monitoring.paodin.io_kubesphere-monitoring-system_central.yaml"), "utf8")).toContain('newFeature: "on"');
      // The Store still comes from the shipped schemas, and a fleet without schemas/ of its own
      // (in the same process) gets the shipped Service again.
      const plain = testdir();
      try {
        expect((await run(["init"], plain.dir)).code).toBe(0);
        const crdFile = (d: string, plural: string): string => readFileSync(path.join(d, `overlays/host/customresourcedefinition.apiextensions.k8s.io_${plural}.monitoring.paodin.io.yaml`), "utf8");
        expect(crdFile(dir, "stores")).toBe(crdFile(plain.dir, "stores"));
        expect(crdFile(plain.dir, "services")).not.toContain("newFeature");
      } finally {
        plain.cleanup();
      }
    } finally {
      cleanup();
    }
  });

  it("a schema file that is not JSON is named", async () => {
    const { dir, cleanup } = testdir({ "schemas/monitoring.paodin.io/store_v1alpha1.json": "{ nope" });
    try {
      expect((await run(["init"], dir)).code).toBe(1);
      const r = await run(["validate"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("schemas/monitoring.paodin.io/store_v1alpha1.json cannot be read as a JSON Schema");
    } finally {
      cleanup();
    }
  });
});
