import { appendFileSync } from "node:fs";
import { MUTATING, nodeFs, type WriterFs } from "./write.js";

/**
 * Fault injection, for the test suite only (test/faults.test.ts): with PAODIN_FLEET_FAULTS set,
 * the output's file-system calls that change something are counted, and a rule can kill the
 * process, or make a call fail, at any of them. Unset (always, outside tests), the real calls are
 * used as they are.
 *
 *   PAODIN_FLEET_FAULTS=kill@17            SIGKILL just before the 17th call that changes the file system
 *   PAODIN_FLEET_FAULTS=ENOSPC@17          that call fails with ENOSPC instead
 *   PAODIN_FLEET_FAULTS=EACCES@unlink#3    the third unlink fails
 *   PAODIN_FLEET_FAULTS=EROFS@rename~old   every rename whose first path contains "old" fails
 *   PAODIN_FLEET_FAULTS_TRACE=FILE         append "N call path [path]" to FILE for every call
 *
 * Rules are separated by commas.
 */
export const FAULTS_ENV = "PAODIN_FLEET_FAULTS";
export const TRACE_ENV = "PAODIN_FLEET_FAULTS_TRACE";

type Op = (typeof MUTATING)[number];

interface Rule {
  readonly action: string;
  readonly op?: Op;
  readonly nth?: number;
  readonly contains?: string;
}

const SYSCALL: Readonly<Record<Op, string>> = {
  mkdir: "mkdir",
  writeFile: "open",
  link: "link",
  copyFile: "copyfile",
  symlink: "symlink",
  rename: "rename",
  unlink: "unlink",
  rmdir: "rmdir",
  chmod: "chmod",
};

function parseRules(spec: string): Rule[] {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^(kill|[A-Z][A-Z0-9]+)@(?:(\d+)|([a-zA-Z]+)(?:#(\d+)|~(.*))?)$/.exec(s);
      if (m === null || (m[3] !== undefined && !(MUTATING as readonly string[]).includes(m[3]))) throw new Error(`${FAULTS_ENV}: cannot read the rule ${JSON.stringify(s)}`);
      const rule: Rule = { action: m[1]! };
      if (m[2] !== undefined) return { ...rule, nth: Number(m[2]) };
      return { ...rule, op: m[3] as Op, ...(m[4] !== undefined ? { nth: Number(m[4]) } : {}), ...(m[5] !== undefined ? { contains: m[5] } : {}) };
    });
}

/** The file-system calls for this environment: the real ones, or with the faults it asks for. */
export function writerFsFor(env: Readonly<Record<string, string | undefined>>): WriterFs {
  const spec = env[FAULTS_ENV];
  const trace = env[TRACE_ENV];
  if ((spec === undefined || spec === "") && (trace === undefined || trace === "")) return nodeFs;
  return withFaults(nodeFs, parseRules(spec ?? ""), trace);
}

function withFaults(fs: WriterFs, rules: readonly Rule[], trace: string | undefined): WriterFs {
  let calls = 0;
  const perOp = new Map<Op, number>();
  const wrapped: WriterFs = { ...fs };
  for (const op of MUTATING) {
    const real = fs[op] as (...args: unknown[]) => unknown;
    (wrapped as unknown as Record<Op, (...args: unknown[]) => unknown>)[op] = (...args: unknown[]) => {
      calls++;
      const n = (perOp.get(op) ?? 0) + 1;
      perOp.set(op, n);
      const p = String(args[0]);
      if (trace !== undefined && trace !== "") appendFileSync(trace, `${calls} ${op} ${p}${op === "rename" || op === "link" || op === "copyFile" ? ` ${String(args[1])}` : ""}\n`);
      for (const r of rules) {
        const hit = r.op === undefined ? r.nth === calls : r.op === op && (r.nth !== undefined ? r.nth === n : r.contains === undefined || p.includes(r.contains));
        if (!hit) continue;
        if (r.action === "kill") process.kill(process.pid, "SIGKILL");
        throw Object.assign(new Error(`${r.action}: injected fault, ${SYSCALL[op]} '${p}'`), { code: r.action, syscall: SYSCALL[op], path: p });
      }
      return real(...args);
    };
  }
  return wrapped;
}
