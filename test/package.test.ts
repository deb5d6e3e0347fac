/**
 * The package is the product: packed as `npm pack` packs it, installed into an empty git
 * repository, and used there as a platform team would, through the installed command alone.
 * Needs the build (`npm test` builds first) and the npm cache `npm ci` filled.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, SHARED } from "./helpers/cli.js";

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

// npm's own variables from an enclosing `npm test` would steer the npm and the scripts run here.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_"))) as NodeJS.ProcessEnv;
env.NO_COLOR = "1";

function sh(cmd: string, args: readonly string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** path → mtime and size of every file under `dir`. */
function listing(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(path.relative(dir, p), `${s.mtimeMs} ${s.size}`);
      }
    }
  };
  walk(dir);
  return out;
}

const built = existsSync(path.join(REPO, "dist/paodin-fleet.cjs")) && existsSync(path.join(REPO, "dist/cli/launch.js"));

describe.skipIf(!built)("the packed package, installed into an empty repository", () => {
  let tmp = "";
  let repo = "";
  let bin = "";
  let installed = "";
  const fleet = (args: readonly string[], cwd = repo, extra: NodeJS.ProcessEnv = {}): Ran => sh(process.execPath, [bin, ...args], cwd, extra);

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "paodin-fleet-package-"));
    // The build is `npm test`'s; packing must not rebuild it under the other tests' feet.
    const packed = ok(sh("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], REPO), "npm pack");
    const tarball = path.join(tmp, packed.stdout.trim().split("\n").at(-1)!);
    repo = path.join(tmp, "fleet");
    ok(sh("git", ["init", "-q", repo], tmp), "git init");
    ok(sh("git", ["symbolic-ref", "HEAD", "refs/heads/main"], repo), "git symbolic-ref");
    ok(sh("git", ["config", "user.email", "platform@example.com"], repo), "git config");
    ok(sh("git", ["config", "user.name", "Platform Team"], repo), "git config");
    ok(sh("git", ["config", "commit.gpgsign", "false"], repo), "git config");
    ok(sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], repo), "npm install");
    installed = path.join(repo, "node_modules/paodin-fleet");
    bin = path.join(repo, "node_modules/.bin/paodin-fleet");
  }, 120_000);

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("init, render --check, diff against a branch, validate with an imported CRD, from the installed command", () => {
    const before = listing(installed);

    // init: a working fleet, already rendered, the npm scripts in package.json.
    const init = fleet(["init"]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("Rendered 3 clusters into overlays/: 30 added, 0 changed, 0 removed.\n");
    const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.render).toBe("paodin-fleet render");
    expect(Object.keys(pkg.dependencies)).toEqual(["paodin-fleet"]);
    // The editor's schema links lead into the installed package.
    const link = /\$schema=(\S+)/.exec(readFileSync(path.join(repo, "clusters/fleet.yaml"), "utf8"))![1]!;
    expect(link).toBe("../node_modules/paodin-fleet/schemas/paodin-fleet/fleet_v1alpha1.json");
    expect(existsSync(path.resolve(repo, "clusters", link))).toBe(true);
    expect(ok(sh("npm", ["run", "--silent", "render", "--", "--check"], repo), "npm run render -- --check").stdout).toBe("overlays/ is up to date (30 files).\n");
    ok(sh("git", ["add", "-A"], repo), "git add");
    ok(sh("git", ["commit", "-qm", "fleet"], repo), "git commit");

    // A change on a branch, checked and rendered from a sub-folder: the root is found.
    ok(sh("git", ["checkout", "-qb", "new-gateway"], repo), "git checkout");
    const host = path.join(repo, "clusters/host.yaml");
    writeFileSync(host, readFileSync(host, "utf8").replace("node-ip: 10.0.0.10", "node-ip: 10.0.0.99"));
    const sub = path.join(repo, "clusters");
    const stale = fleet(["render", "--check"], sub);
    expect(stale.code).toBe(2);
    expect(stale.stdout).toContain("overlays/ is stale; `npm run render` would change:\n");
    expect(stale.stdout).toContain("  ~ overlays/host/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml\n");
    expect(stale.stdout + stale.stderr).not.toContain(tmp);
    expect(fleet(["render"], sub).stdout).toBe("Rendered 3 clusters into overlays/: 0 added, 6 changed, 0 removed.\n");
    const diff = fleet(["diff", "--against", "main", "--format", "markdown"], sub);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("+  - url: http://10.0.0.99:30990/host/api/v1/receive");
    expect(diff.stdout).toContain("member-1");

    // The operator's newer CRD, imported into the repository's schemas/: validation and the
    // rendered CRD follow it.
    const fleetFile = path.join(repo, "clusters/fleet.yaml");
    writeFileSync(fleetFile, readFileSync(fleetFile, "utf8").replace("        gateway:\n", '        newFeature: "on"\n        gateway:\n'));
    const unknown = fleet(["validate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('clusters/fleet.yaml:26:9 spec.central.service.spec.newFeature: unknown field "newFeature"');
    if (existsSync(SHARED)) {
      const crd = readFileSync(path.join(SHARED, "reference/paodin-v1alpha1-crds/monitoring.paodin.io_services.yaml"), "utf8");
      writeFileSync(path.join(repo, "services-crd.yaml"), crd.replace(/^( +)defaultTenantId:\n/m, (all, indent: string) => `${indent}newFeature:\n${indent}  type: string\n${all}`));
      expect(fleet(["schemas", "import", "services-crd.yaml"])).toMatchObject({ code: 0, stdout: "wrote schemas/monitoring.paodin.io/service_v1alpha1.json\n" });
      expect(ok(sh("npm", ["run", "--silent", "validate"], repo), "npm run validate").stdout).toBe("The fleet is valid: central mode, host host and 2 members.\n");
      expect(fleet(["render"]).code).toBe(0);
      expect(readFileSync(path.join(repo, "overlays/host/customresourcedefinition.apiextensions.k8s.io_services.monitoring.paodin.io.yaml"), "utf8")).toContain("newFeature:");
    }

    // Code generation is paodin-fleet's own, never run on an installed package.
    const schemas = fleet(["schemas"]);
    expect(schemas.code).toBe(64);
    expect(schemas.stderr).toContain("runs only in its source checkout");
    // An internal error's stack names the package's files, never the machine that packed it.
    const internal = fleet(["render"], repo, { PAODIN_FLEET_FAULTS: "not-a-rule" });
    expect(internal.code).toBe(70);
    expect(internal.stderr).toContain("paodin-fleet/dist/paodin-fleet.cjs:");
    expect(internal.stderr).not.toContain(REPO);
    // Nothing was written inside node_modules.
    expect(listing(installed)).toEqual(before);
  }, 60_000);
});
