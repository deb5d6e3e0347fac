import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleFleet, readTreeSync, REPO, run } from "./helpers/cli.js";
import { bin, changed, fleetWith, gitSeesElsewhere, leftoverEntries, leftovers, pool, scenario, SOAK, stateOf, type Scenario } from "./helpers/processes.js";

/**
 * The output's guarantees under faults, as README "Output guarantees" states them:
 *
 * - at every instant overlays/ is the complete old tree or the complete new tree, except
 *   between the swap's two renames, when it is missing and the work directory holds both;
 *   the next run (render or render --check) completes that swap before anything else;
 * - nothing a killed or failed render leaves is seen by git, and the next run removes it,
 *   saying so;
 * - a failure before the swap point reports failure (exit 74 for the environment) and leaves
 *   the old tree; after it, the render succeeded: exit 0 with the new tree.
 *
 * Kills are real (SIGKILL, in a process of the built bin): at every file-system step of a
 * render (PAODIN_FLEET_FAULTS=kill@N), and after random delays. Errors are injected at every
 * step in-process. PAODIN_FLEET_SOAK=1 runs more and larger.
 */

const TRACE_LINE = /^(\d+) (\w+) (\S+)(?: (\S+))?$/;

interface Steps {
  readonly count: number;
  /** The call at each step (1-based). */
  readonly ops: readonly string[];
  /** The swap's renames: the output directory aside, then the new tree into its place. */
  readonly aside: number;
  readonly into: number;
}

/** The file-system steps of one render of `s`, from a traced run in a copy of it. */
async function stepsOf(s: Scenario): Promise<Steps> {
  const dir = s.copy();
  const trace = path.join(dir, "..", `trace-${path.basename(dir)}`);
  const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS_TRACE: trace });
  expect(r.code, r.stderr).toBe(0);
  const lines = readFileSync(trace, "utf8").trim().split("\n").map((l) => TRACE_LINE.exec(l)!);
  const out = path.join(dir, "overlays");
  const aside = lines.find((m) => m[2] === "rename" && m[3] === out)!;
  const into = lines.find((m) => m[2] === "rename" && m[4] === out)!;
  rmSync(dir, { recursive: true, force: true });
  return { count: lines.length, ops: ["", ...lines.map((m) => m[2]!)], aside: Number(aside[1]), into: Number(into[1]) };
}

/**
 * The steps to try: all of them with PAODIN_FLEET_SOAK=1; else the lock's, the swap's and the
 * release's steps, the first of each kind of call, and one in eight of the rest (hard links
 * carrying unchanged files over, the removal of the old tree), which repeat their neighbours.
 */
function pointsOf(st: Steps): number[] {
  const out: number[] = [];
  const kinds = new Set<string>();
  for (let k = 1; k <= st.count; k++) {
    const first = !kinds.has(st.ops[k]!);
    kinds.add(st.ops[k]!);
    if (SOAK || first || k <= 6 || Math.abs(k - st.into) <= 2 || k > st.count - 6 || k % 8 === 0) out.push(k);
  }
  return out;
}

/** After the next run: nothing left, a complete tree, and it said what it cleaned up. */
async function recovers(dir: string, s: Scenario, hadLeftovers: boolean, why: string): Promise<void> {
  const check = await run(["render", "--check"], dir);
  const state = stateOf(dir, s);
  expect(["old", "new"], `${why}: after --check`).toContain(state);
  expect(check.code, `${why}: ${check.stderr}`).toBe(state === "new" ? 0 : 2);
  expect(leftovers(dir), why).toEqual([]);
  if (hadLeftovers) expect(check.stderr, why).toMatch(/^paodin-fleet: (removed what|finished the swap|put back|took over)/m);
  else expect(check.stderr, why).toBe("");
  if (!hadLeftovers && !SOAK) return;
  const render = await run(["render"], dir);
  expect(render.code, `${why}: ${render.stderr}`).toBe(0);
  expect(stateOf(dir, s), why).toBe("new");
  expect(leftovers(dir), why).toEqual([]);
}

/** The invariant at any instant: a complete tree (or missing only in the window), git sees nothing of ours elsewhere. */
function invariant(dir: string, s: Scenario, why: string, window: boolean | undefined): "old" | "new" | "missing" {
  const state = stateOf(dir, s);
  expect(state, why).not.toBe("other");
  if (window === false) expect(state, why).not.toBe("missing");
  if (window === true) expect(state, why).toBe("missing");
  expect(gitSeesElsewhere(dir), why).toEqual([]);
  for (const name of leftovers(dir)) expect(name, why).toMatch(/^\.overlays\.paodin-fleet(-gone-\d+-[0-9a-f]+)?$/);
  return state as "old" | "new" | "missing";
}

/** Under a loaded CI machine these take a while; the soak much longer. */
const HEAVY = SOAK ? 3_600_000 : 180_000;

let s: Scenario;
let steps: Steps;

beforeAll(async () => {
  expect(existsSync(path.join(REPO, "dist", "paodin-fleet.cjs")), "run npm run build first").toBe(true);
  s = await scenario(exampleFleet(), changed(exampleFleet()));
  steps = await stepsOf(s);
});

afterAll(() => s?.cleanup());

describe("a render killed at every step", () => {
  it("leaves the old tree before the swap, the new one after, and nothing missing but between the two renames", { timeout: HEAVY }, async () => {
    expect(steps.into).toBe(steps.aside + 1);
    const points = pointsOf(steps);
    const seen = { old: 0, new: 0, missing: 0 };
    await pool(points, 4, async (k) => {
      const dir = s.copy();
      const why = `kill@${k} of ${steps.count} (swap at ${steps.aside}, ${steps.into})`;
      const r = await bin(["render"], dir, { env: { PAODIN_FLEET_FAULTS: `kill@${k}` } });
      expect(r.signal, `${why}: ${r.stderr}`).toBe("SIGKILL");
      const state = invariant(dir, s, why, k === steps.into);
      expect(state, why).toBe(k <= steps.aside ? "old" : k === steps.into ? "missing" : "new");
      seen[state]++;
      await recovers(dir, s, leftoverEntries(dir).length > 0, why);
      rmSync(dir, { recursive: true, force: true });
    });
    expect(seen.old + seen.new + seen.missing).toBe(points.length);
    expect(seen.missing).toBe(1);
    // eslint-disable-next-line no-console
    console.log(`kill points: ${points.length} of ${steps.count} steps tried, ${JSON.stringify(seen)}`);
  });
});

describe("a render failing at every step", () => {
  const codes = ["EIO", "ENOSPC", "EACCES", "EROFS", "EBUSY", "EDQUOT"];

  it("before the swap point: exit 74, one line naming path and cause, the old tree, nothing left; after it: exit 0 and the new tree", { timeout: HEAVY }, async () => {
    const points = pointsOf(steps);
    for (const k of points) {
      const code = codes[k % codes.length]!;
      const dir = s.copy();
      const why = `${code}@${k} of ${steps.count} (swap at ${steps.aside}, ${steps.into})`;
      const r = await run(["render"], dir, { PAODIN_FLEET_FAULTS: `${code}@${k}` });
      expect(r.stderr, why).not.toMatch(/^\s+at |internal error/m);
      // A hard link that fails (another file system, too many links) is a copy instead.
      const absorbed = steps.ops[k] === "link";
      if (k <= steps.into && !absorbed) {
        expect(r.code, `${why}: ${r.stderr}`).toBe(74);
        expect(r.stderr, why).toMatch(new RegExp(`^paodin-fleet: [^\\n]*\\(${code}\\); overlays/ is unchanged\\n$`));
        expect(stateOf(dir, s), why).toBe("old");
        expect(leftovers(dir), why).toEqual([]);
      } else {
        expect(r.code, `${why}: ${r.stderr}`).toBe(0);
        expect(r.stdout, why).toBe(rendered(s, 3));
        expect(stateOf(dir, s), why).toBe("new");
        expect(gitSeesElsewhere(dir), why).toEqual([]);
        // What it could not clean up (EACCES is retried after making the directory writable) it said, and the next run does.
        if (leftovers(dir).length > 0) expect(r.stderr, why).toMatch(new RegExp(`^paodin-fleet: could not [^\\n]*\\(${code}\\)`, "m"));
      }
      await recovers(dir, s, leftoverEntries(dir).length > 0, why);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a render killed at random moments", () => {
  it("always leaves a complete tree, which the next run cleans up after", { timeout: HEAVY }, async () => {
    const members = SOAK ? 1000 : 40;
    const before = fleetWith(Array.from({ length: members }, (_, i) => i));
    const after = changed(fleetWith(Array.from({ length: members }, (_, i) => i + Math.floor(members / 5))));
    const big = await scenario(before, after);
    try {
      const dir0 = big.copy();
      const t0 = performance.now();
      const full = await bin(["render"], dir0);
      const duration = performance.now() - t0;
      expect(full.code, full.stderr).toBe(0);
      expect(stateOf(dir0, big)).toBe("new");
      const runs = SOAK ? 100 : 6;
      const seen = { old: 0, new: 0, missing: 0 };
      await pool(Array.from({ length: runs }, (_, i) => i), 2, async (i) => {
        const dir = big.copy();
        // Most of a run is start-up and rendering, and two run at once: kill from its last fifth (where it
        // writes) to well after its end as measured alone.
        const delay = Math.round(duration * (0.8 + 0.8 * Math.random()));
        const why = `run ${i}: killed after ${delay} ms of ${Math.round(duration)}`;
        const r = await bin(["render"], dir, { killAfterMs: delay });
        const state = invariant(dir, big, why, undefined);
        seen[state]++;
        if (r.signal !== "SIGKILL") expect(state, why).toBe("new");
        await recovers(dir, big, leftoverEntries(dir).length > 0, why);
        rmSync(dir, { recursive: true, force: true });
      });
      // eslint-disable-next-line no-console
      console.log(`random kills, ${members + 3} clusters, render ${Math.round(duration)} ms: ${runs} runs left ${JSON.stringify(seen)}`);
    } finally {
      big.cleanup();
    }
  });
});

describe("renders at the same time", () => {
  it("take turns: each counts what it writes, none fails, the tree is complete", { timeout: HEAVY }, async () => {
    const runs = SOAK ? 60 : 4;
    await pool(Array.from({ length: runs }, (_, i) => i), 1, async (i) => {
      const dir = s.copy();
      const [a, b, c] = await Promise.all([bin(["render"], dir), bin(["render"], dir), bin(["render", "--check"], dir)]);
      const why = `run ${i}: ${a.stderr}${b.stderr}${c.stderr}`;
      expect([a.code, b.code], why).toEqual([0, 0]);
      // One of them replaced the old tree, and says exactly what changed; the other found it up to date.
      const outs = [a.stdout, b.stdout].sort();
      expect(outs, why).toEqual([rendered(s, 3), `overlays/ is up to date (${s.fresh.size} files).\n`]);
      // The check ran before both, between them, or after: it saw a complete tree either way.
      expect([0, 2], why).toContain(c.code);
      expect(c.stderr, why).not.toMatch(/internal error|^\s+at /m);
      expect(stateOf(dir, s), why).toBe("new");
      expect(leftovers(dir), why).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    });
  });

  it("a lock left by a process that no longer runs is taken over, saying so; one held by a running process is waited for", async () => {
    const dir = s.copy();
    try {
      const dead = await deadPid();
      const lock = path.join(dir, ".overlays.paodin-fleet", "lock");
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(dir, ".overlays.paodin-fleet", ".gitignore"), "*\n");
      writeFileSync(path.join(lock, `${dead}-abcd`), JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), since: "2026-01-01T00:00:00.000Z" }));
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(`paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid ${dead}, since 2026-01-01T00:00:00.000Z)\n`);
      expect(leftovers(dir)).toEqual([]);

      // A live holder: the render waits until it is gone.
      const sleeper = spawn("sleep", ["30"]);
      mkdirSync(lock, { recursive: true });
      writeFileSync(path.join(lock, `${sleeper.pid}-beef`), JSON.stringify({ pid: sleeper.pid, host: (await import("node:os")).hostname(), since: "2026-01-01T00:00:00.000Z" }));
      writeFileSync(path.join(dir, "clusters/fleet.yaml"), readFileSync(path.join(dir, "clusters/fleet.yaml"), "utf8").replace("release-2", "release-3"));
      let told: () => void = () => undefined;
      const toldWaiting = new Promise<void>((r) => (told = r));
      const waiting = bin(["render"], dir, { onStderr: (e) => e.includes("waiting for another render") && told() });
      await toldWaiting;
      await new Promise((r) => setTimeout(r, 300));
      expect(readFileSync(path.join(dir, "overlays/_argocd/applicationset.yaml"), "utf8")).toContain("release-2");
      sleeper.kill("SIGKILL");
      const w = await waiting;
      expect(w.code, w.stderr).toBe(0);
      expect(w.stderr).toContain(`paodin-fleet: waiting for another render of overlays/ to finish (pid ${sleeper.pid}, since 2026-01-01T00:00:00.000Z)\n`);
      expect(w.stderr).toContain(`paodin-fleet: took over the lock of overlays/ from a render that no longer runs (pid ${sleeper.pid}`);
      expect(readFileSync(path.join(dir, "overlays/_argocd/applicationset.yaml"), "utf8")).toContain("release-3");
      expect(leftovers(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up after its timeout with the holder named (exit 74)", async () => {
    const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
    const { nodeFs } = await import("../src/output/write.js");
    const dir = s.copy();
    try {
      const work = new WorkDir(path.join(dir, "overlays"), nodeFs);
      const first = await lockOutput(work, nodeFs);
      // The same process holds it: running, so the second waits, and gives up.
      await expect(lockOutput(work, nodeFs, { timeoutMs: 300, show: (p) => path.relative(dir, p) })).rejects.toThrow(
        new RegExp(`^overlays/ is locked by paodin-fleet \\(pid ${process.pid} on .*\\): gave up waiting after 0 s; if no render runs .*, remove \\.overlays\\.paodin-fleet/lock$`),
      );
      expect(first.release()).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the lock alone, under contention", () => {
  /** A process that takes the lock `n` times, holds it a few milliseconds each time, and dies holding it at round `killAt`. */
  const LOCKER = `
    import { existsSync, appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
    const [dist, out, log, n, killAt] = process.argv.slice(1);
    const { WorkDir, lockOutput } = await import(dist + "/output/workdir.js");
    const { nodeFs } = await import(dist + "/output/write.js");
    const marker = log + ".held";
    // A holder that was killed stays a zombie until the test reaps it: dead all the same.
    const alive = (pid) => {
      try { process.kill(pid, 0); } catch { return false; }
      try { const st = readFileSync("/proc/" + pid + "/stat", "utf8"); return st.slice(st.lastIndexOf(")") + 2, st.lastIndexOf(")") + 3) !== "Z"; } catch { return true; }
    };
    for (let i = 0; i < Number(n); i++) {
      const lock = await lockOutput(new WorkDir(out, nodeFs), nodeFs, { pollMs: 2 });
      // Nobody else may be inside: a marker left behind belongs to a holder that was killed.
      if (existsSync(marker)) {
        const other = Number(readFileSync(marker, "utf8"));
        if (alive(other)) appendFileSync(log, "VIOLATION " + process.pid + " found " + other + " inside\\n");
      }
      writeFileSync(marker, String(process.pid));
      appendFileSync(log, "in " + process.pid + "\\n");
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      if (i === Number(killAt)) process.kill(process.pid, "SIGKILL");
      rmSync(marker);
      lock.release();
    }
  `;

  it("one holder at a time across processes, also when holders are killed holding it; the work directory goes with the last", { timeout: HEAVY }, async () => {
    const dir = s.copy();
    try {
      const out = path.join(dir, "overlays");
      const log = path.join(dir, "..", `lock-log-${path.basename(dir)}`);
      writeFileSync(log, "");
      const procs = SOAK ? 12 : 6;
      const rounds = SOAK ? 40 : 12;
      const children = Array.from({ length: procs }, (_, i) => {
        const killAt = i % 3 === 0 ? String(Math.floor(Math.random() * rounds)) : "-1";
        const child = spawn(process.execPath, ["--input-type=module", "-e", LOCKER, path.join(REPO, "dist"), out, log, String(rounds), killAt], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
        return new Promise<{ code: number | null; signal: string | null; stderr: string; killed: boolean }>((r) => child.on("close", (code, signal) => r({ code, signal, stderr, killed: killAt !== "-1" })));
      });
      const results = await Promise.all(children);
      for (const r of results) expect(r.killed ? r.signal : r.code, r.stderr).toBe(r.killed ? "SIGKILL" : 0);
      const lines = readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
      expect(lines.filter((l) => l.startsWith("VIOLATION"))).toEqual([]);
      const killed = results.filter((r) => r.killed).length;
      expect(lines.length).toBeGreaterThanOrEqual((procs - killed) * rounds + killed);
      // Whatever the last holder left (a lock of a killed process), the next one takes over and clears.
      const { WorkDir, lockOutput } = await import("../src/output/workdir.js");
      const { nodeFs } = await import("../src/output/write.js");
      (await lockOutput(new WorkDir(out, nodeFs), nodeFs)).release();
      expect(leftovers(dir)).toEqual([]);
      rmSync(log, { force: true });
      rmSync(`${log}.held`, { force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("leftovers of older versions", () => {
  it("are found beside the output directory, completed and removed", async () => {
    const dir = s.copy();
    try {
      const dead = await deadPid();
      // paodin-fleet 0.1, killed between its two renames: both trees beside the project's overlays/.
      const oldTree = path.join(dir, `.overlays.paodin-fleet-old-${dead}-m0abc`);
      const newTree = path.join(dir, `.overlays.paodin-fleet-new-${dead}-m0abc`);
      const { renameSync, cpSync } = await import("node:fs");
      renameSync(path.join(dir, "overlays"), oldTree);
      cpSync(oldTree, newTree, { recursive: true });
      writeFileSync(path.join(newTree, "_argocd/applicationset.yaml"), readFileSync(path.join(oldTree, "_argocd/applicationset.yaml"), "utf8").replace("targetRevision: main", "targetRevision: release-2"));
      const r = await run(["render", "--check"], dir);
      expect(r.stderr).toContain(`paodin-fleet: finished the swap of a render that was interrupted (pid ${dead}): overlays/ holds the tree it rendered\n`);
      expect(r.stderr).toContain(`paodin-fleet: removed what a render that was interrupted (pid ${dead}) left behind: .overlays.paodin-fleet-old-${dead}-m0abc (${s.old.size} files)\n`);
      expect(r.code).toBe(2);
      expect(leftovers(dir)).toEqual([]);
      expect(readFileSync(path.join(dir, "overlays/_argocd/applicationset.yaml"), "utf8")).toContain("release-2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a closed stdout (| head)", () => {
  it("ends quietly with the command's own exit code; a render still completes", async () => {
    const dir = s.copy();
    try {
      for (const [args, code] of [
        [["--help"], 0],
        [["render", "--help"], 0],
        [["render", "--check"], 2],
        [["diff"], 0],
        [["validate"], 0],
        [["render"], 0],
      ] as const) {
        const r = await bin(args, dir, { closeStdout: true });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
        expect(r.stderr, args.join(" ")).toBe("");
      }
      expect(stateOf(dir, s)).toBe("new");
      expect(leftovers(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a linked output directory", () => {
  it("is written through, and stays a link", async () => {
    const dir = s.copy();
    try {
      const { lstatSync, renameSync } = await import("node:fs");
      mkdirSync(path.join(dir, "deploy"));
      renameSync(path.join(dir, "overlays"), path.join(dir, "deploy", "overlays"));
      symlinkSync("deploy/overlays", path.join(dir, "overlays"));
      const r = await run(["render"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(lstatSync(path.join(dir, "overlays")).isSymbolicLink()).toBe(true);
      expect(readTreeSync(path.join(dir, "deploy", "overlays"))).toEqual(s.fresh);
      expect(readdirSorted(path.join(dir, "deploy"))).toEqual(["overlays"]);
      // A link to a directory that does not exist yet: made there.
      rmSync(path.join(dir, "deploy", "overlays"), { recursive: true });
      expect((await run(["render"], dir)).code).toBe(0);
      expect(lstatSync(path.join(dir, "overlays")).isSymbolicLink()).toBe(true);
      expect(readTreeSync(path.join(dir, "deploy", "overlays"))).toEqual(s.fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function readdirSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** What a render from the old tree to the new one prints. */
function rendered(sc: Scenario, clusters: number): string {
  const added = [...sc.fresh.keys()].filter((p) => !sc.old.has(p)).length;
  const changedFiles = [...sc.fresh].filter(([p, c]) => sc.old.has(p) && sc.old.get(p) !== c).length;
  const removed = [...sc.old.keys()].filter((p) => !sc.fresh.has(p)).length;
  return `Rendered ${clusters} clusters into overlays/: ${added} added, ${changedFiles} changed, ${removed} removed.\n`;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((r) => child.on("close", r));
  return child.pid!;
}
