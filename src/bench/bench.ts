/**
 * `npm run bench`: renders synthetic fleets of growing size end to end, as a user does (a new
 * process through the package's bin), and reports time, time per cluster, peak memory and
 * output size, next to the plain-write floor and `kubectl kustomize`, measured in the same
 * run. Targets are ratios of those measurements, never absolute times.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(ROOT, "bin", "paodin-fleet.js");
const HOOK = path.join(ROOT, "dist", "bench", "measure-hook.js");
const FLOOR = path.join(ROOT, "dist", "bench", "floor.js");

interface Run {
  ms: number;
  rss: number;
}

function timed(args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const rssFile = path.join(cwd, `.rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env, NODE_OPTIONS: `--import=${HOOK}`, PAODIN_FLEET_BENCH_RSS_FILE: rssFile },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : NaN;
  rmSync(rssFile, { force: true });
  return { ms, rss };
}

function isWritableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The example fleet in `mode`, with `members` members, one file each (as a large estate keeps them). */
function generateFleet(dir: string, mode: string, members: number): void {
  const clusters = path.join(dir, "clusters");
  mkdirSync(clusters, { recursive: true });
  const example = (f: string) => readFileSync(path.join(ROOT, "clusters", f), "utf8");
  writeFileSync(path.join(clusters, "fleet.yaml"), example("fleet.yaml").replace("mode: central", `mode: ${mode}`));
  writeFileSync(path.join(clusters, "host.yaml"), example("host.yaml"));
  for (let i = 0; i < members; i++) {
    const name = `member-${String(i).padStart(5, "0")}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    writeFileSync(
      path.join(clusters, `${name}.yaml`),
      `apiVersion: paodin-fleet/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\n  labels:\n    node-ip: ${ip}\nspec:\n  role: member\n  destination:\n    server: https://${ip}:6443\n`,
    );
  }
}

function treeStats(dir: string): { files: [string, string][]; bytes: number } {
  const files: [string, string][] = [];
  let bytes = 0;
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else {
        const content = readFileSync(path.join(dir, r), "utf8");
        bytes += Buffer.byteLength(content);
        files.push([r, content]);
      }
    }
  };
  walk("");
  return { files, bytes };
}

/** `kubectl kustomize` of a host and member overlays, after a warm-up, median of three rounds. */
function kustomizeMs(overlays: string, names: readonly string[]): number {
  execFileSync("kubectl", ["kustomize", path.join(overlays, names[0]!)], { stdio: ["ignore", "ignore", "ignore"] });
  const rounds = [...names, ...names, ...names];
  const times = rounds.map((n) => {
    const start = process.hrtime.bigint();
    execFileSync("kubectl", ["kustomize", path.join(overlays, n)], { stdio: ["ignore", "ignore", "ignore"] });
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  return median(times);
}

/**
 * The review of a pull request, as CI runs it: the fleet committed on `main`, one change (the
 * gateway URL in central mode, the sidecar address in scattered mode) rendered on the branch,
 * then `diff --against main --format markdown --split-dir`, beside `render --check` on the same
 * tree, alternately. The commit is made with `git fast-import` (one pack; `git add` of tens of
 * thousands of files takes longer than everything measured). NaN without git.
 */
function reviewTimes(dir: string, mode: string, runs: number): { diffMs: number; checkMs: number } {
  const none = { diffMs: NaN, checkMs: NaN };
  if (spawnSync("git", ["--version"], { stdio: "ignore" }).status !== 0) return none;
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: dir, stdio: ["pipe", "ignore", "pipe"] });
  git("init", "-q", "-b", "main");
  const parts: Buffer[] = [Buffer.from("commit refs/heads/main\ncommitter bench <bench@example.com> 0 +0000\ndata 5\nbase\n")];
  for (const top of ["clusters", "overlays"]) {
    const walk = (rel: string): void => {
      for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const r = `${rel}/${e.name}`;
        if (e.isDirectory()) walk(r);
        else {
          const bytes = readFileSync(path.join(dir, r));
          parts.push(Buffer.from(`M 100644 inline ${r}\ndata ${bytes.length}\n`), bytes, Buffer.from("\n"));
        }
      }
    };
    walk(top);
  }
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: Buffer.concat(parts), stdio: ["pipe", "ignore", "pipe"] });
  const fleetFile = path.join(dir, "clusters", "fleet.yaml");
  const fleet = readFileSync(fleetFile, "utf8");
  const changed = mode === "central" ? fleet.replace(':30990"', ':31990"') : fleet.replace(':30901"', ':31901"');
  if (changed === fleet) return none;
  writeFileSync(fleetFile, changed);
  timed([BIN, "render"], dir);
  const diffs: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < runs; i++) {
    checks.push(timed([BIN, "render", "--check"], dir).ms);
    diffs.push(timed([BIN, "diff", "--against", "main", "--format", "markdown", "--split-dir", path.join(dir, "review")], dir).ms);
  }
  return { diffMs: median(diffs), checkMs: median(checks) };
}

interface Row {
  mode: string;
  members: number;
  clusters: number;
  renderMs: number;
  perClusterMs: number;
  rss: number;
  files: number;
  bytes: number;
  floorMs: number;
  checkMs: number;
  /** `diff --against main --format markdown` of a one-line change, and `render --check` beside it. */
  diffMs: number;
  diffCheckMs: number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10,100,1000,4000,10000" },
      modes: { type: "string", default: "central,scattered" },
      repeat: { type: "string", default: "3" },
      dir: { type: "string" },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const modes = values.modes.split(",");
  const repeat = Number(values.repeat);
  // Memory-backed by default: on a disk, the same writes vary several-fold from one run to the
  // next (journal, discards), which would drown what is measured. --dir measures a disk.
  const root = values.dir ?? (isWritableDir("/dev/shm") ? "/dev/shm" : tmpdir());
  mkdirSync(root, { recursive: true });
  const base = mkdtempSync(path.join(root, "paodin-fleet-bench-"));
  console.log(`paodin-fleet bench: node ${process.version}, output under ${base}, median of ${repeat} runs (1 at 10,000 members)\n`);

  const rows: Row[] = [];
  let kustomize = NaN;
  try {
    for (const mode of modes) {
      for (const members of sizes) {
        const dir = path.join(base, `${mode}-${members}`);
        generateFleet(dir, mode, members);
        const out = path.join(dir, "overlays");
        const runs = members >= 10_000 ? 1 : repeat;
        const renders: Run[] = [];
        const floors: number[] = [];
        let stats: { files: [string, string][]; bytes: number } | undefined;
        for (let i = 0; i < runs; i++) {
          rmSync(out, { recursive: true, force: true });
          renders.push(timed([BIN, "render"], dir));
          if (stats === undefined) {
            stats = treeStats(out);
            writeFileSync(path.join(dir, "floor.json"), JSON.stringify(stats.files));
          }
          const floorOut = path.join(dir, `floor-${i}`);
          floors.push(timed([FLOOR, path.join(dir, "floor.json"), floorOut], dir).ms);
          rmSync(floorOut, { recursive: true, force: true });
        }
        // On the tree the last render left: unchanged.
        const checks = Array.from({ length: runs }, () => timed([BIN, "render", "--check"], dir).ms);
        if (mode === "central" && members >= 10 && Number.isNaN(kustomize)) kustomize = kustomizeMs(out, ["host", "member-00000", "member-00001"]);
        // A ratio of two times, each the median of `repeat` runs even at 10,000 members.
        const review = reviewTimes(dir, mode, repeat);
        const renderMs = median(renders.map((r) => r.ms));
        rows.push({
          mode,
          members,
          clusters: members + 1,
          renderMs,
          perClusterMs: renderMs / (members + 1),
          rss: Math.max(...renders.map((r) => r.rss)),
          files: stats!.files.length,
          bytes: stats!.bytes,
          floorMs: median(floors),
          checkMs: median(checks),
          diffMs: review.diffMs,
          diffCheckMs: review.checkMs,
        });
        process.stderr.write(`  ${mode} ${members} members: ${renderMs.toFixed(0)} ms\n`);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  report(rows, kustomize);
}

function report(rows: readonly Row[], kustomizeMs: number): void {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  console.log("| mode | clusters | render | per cluster | peak memory | files | bytes | floor | render/floor | --check | diff | diff/--check |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.clusters} | ${r.renderMs.toFixed(0)} ms | ${r.perClusterMs.toFixed(3)} ms | ${mb(r.rss)} | ${r.files} | ${mb(r.bytes)} | ${r.floorMs.toFixed(0)} ms | ${(r.renderMs / r.floorMs).toFixed(2)}x | ${r.checkMs.toFixed(0)} ms | ${r.diffMs.toFixed(0)} ms | ${(r.diffMs / r.diffCheckMs).toFixed(2)}x |`,
    );
  }
  console.log("\ndiff: `diff --against main --format markdown --split-dir` after a one-line change (central: the gateway URL; scattered: the sidecar address), rendered and committed on a branch as CI sees it; diff/--check against `render --check` of the same tree, run alternately.");
  console.log(`\nkubectl kustomize of one overlay (the host's and two members', median of 9 after a warm-up): ${kustomizeMs.toFixed(0)} ms`);
  const find = (mode: string, members: number) => rows.find((r) => r.mode === mode && r.members === members);
  const checks: [string, boolean | undefined, string][] = [];
  const c1k = find("central", 1000);
  if (c1k !== undefined) {
    checks.push(["1,000-member central render ≤ 2x the plain-write floor", c1k.renderMs <= 2 * c1k.floorMs, `${(c1k.renderMs / c1k.floorMs).toFixed(2)}x`]);
    checks.push(["time per cluster ≤ 1% of one kubectl kustomize", c1k.perClusterMs <= kustomizeMs / 100, `${((100 * c1k.perClusterMs) / kustomizeMs).toFixed(2)}%`]);
    checks.push(["render --check on an unchanged tree faster than the render", c1k.checkMs < c1k.renderMs, `${c1k.checkMs.toFixed(1)} ms vs ${c1k.renderMs.toFixed(1)} ms`]);
  }
  for (const members of [1000, 10_000]) {
    const r = find("central", members);
    if (r !== undefined && !Number.isNaN(r.diffMs)) {
      checks.push([`diff --against a ref at ${members.toLocaleString("en-US")} members ≤ 2x render --check`, r.diffMs <= 2 * r.diffCheckMs, `${(r.diffMs / r.diffCheckMs).toFixed(2)}x`]);
    }
  }
  for (const mode of ["central", "scattered"]) {
    const a = find(mode, 1000);
    const b = find(mode, 4000);
    if (a !== undefined && b !== undefined) checks.push([`${mode}: 4x the clusters ≤ 1.3x the time per cluster`, b.perClusterMs <= 1.3 * a.perClusterMs, `${(b.perClusterMs / a.perClusterMs).toFixed(2)}x`]);
    const big = find(mode, 10_000);
    if (big !== undefined) checks.push([`${mode}: peak memory at 10,000 members ≤ 1 GiB`, big.rss <= 1024 ** 3, mb(big.rss)]);
  }
  console.log("\n| target | measured | |\n|---|---:|---|");
  for (const [what, pass, measured] of checks) console.log(`| ${what} | ${measured} | ${pass ? "met" : "NOT met"} |`);
}

main();

