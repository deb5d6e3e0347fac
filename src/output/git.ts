import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { EnvironmentError, UsageError } from "../diagnostics/issue.js";

/**
 * A tree as committed, read straight from git's objects: `git ls-tree` lists it with each
 * file's blob id, and only the blobs whose ids differ from what is compared with are read, in
 * one `git cat-file --batch`. Nothing is checked out and nothing is written, so a run that is
 * interrupted (even by SIGKILL) leaves nothing behind: no worktree, no temporary files.
 */

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run("git", [...args], { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" });
  return stdout;
}

/** The commit a ref names, or nothing when it names none (or cwd is not in a git repository). */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith("-")) return undefined;
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    return undefined;
  }
}

/** A file of a committed tree: its mode (`100644`, `120000` for a link…), type and object id. */
export interface CommittedFile {
  readonly path: string;
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
}

/** Every file under `dir` (a directory of cwd's working tree) as committed at `commit`, paths relative to `dir`. */
export async function listCommitted(cwd: string, commit: string, dir: string): Promise<CommittedFile[]> {
  const prefix = (await git(cwd, ["rev-parse", "--show-prefix"])).trim();
  const rel = path.posix.normalize(`${prefix}${path.relative(cwd, dir).split(path.sep).join("/")}`).replace(/\/+$/, "");
  if (rel === ".." || rel.startsWith("../") || path.isAbsolute(rel)) throw new UsageError(`--against a git ref: ${dir} is not inside the git repository`);
  const whole = rel === "." || rel === "";
  const args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, ...(whole ? [] : ["--", rel])];
  const out = await git(cwd, args);
  const files: CommittedFile[] = [];
  const start = whole ? "" : `${rel}/`;
  for (const record of out.split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = ""] = record.slice(0, tab).split(" ");
    const p = record.slice(tab + 1);
    if (!p.startsWith(start)) continue; // `dir` itself, committed as a file
    files.push({ path: p.slice(start.length), mode, type, oid });
  }
  return files;
}

/** The contents of blobs, in the order asked, from one `git cat-file --batch`. */
export function readBlobs(cwd: string, oids: readonly string[]): Promise<Buffer[]> {
  if (oids.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch", "--buffer"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    // A git that exits early closes its input: the exit code says why.
    child.stdin.on("error", () => undefined);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file --batch exited ${code}: ${stderr.trim()}`));
      try {
        resolve(parseBatch(Buffer.concat(chunks), oids));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(`${oids.join("\n")}\n`);
  });
}

/** `<oid> <type> <size>\n<contents>\n`, once per object asked for. */
function parseBatch(all: Buffer, oids: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (const oid of oids) {
    const nl = all.indexOf(0x0a, pos);
    if (nl < 0) throw new Error(`git cat-file --batch: no answer for ${oid}`);
    const header = all.toString("latin1", pos, nl).split(" ");
    // A shallow or partial clone lacks objects: the repository's state, not a bug (exit 74).
    if (header[1] === "missing") throw new EnvironmentError(`--against: git has no object ${oid} of the committed tree (a shallow or partial clone?); fetch it, then run diff again`);
    if (header.length < 3) throw new Error(`git cat-file --batch: cannot read the answer for ${oid}`);
    const size = Number(header[2]);
    out.push(all.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return out;
}

/** The id git gives a blob holding `content` (UTF-8): SHA-1, or SHA-256 in a repository of that format. */
export function blobId(content: string, oidLength: number): string {
  return createHash(oidLength === 64 ? "sha256" : "sha1")
    .update(`blob ${Buffer.byteLength(content, "utf8")}\0`)
    .update(content, "utf8")
    .digest("hex");
}

/**
 * The committed files as path → text. A file whose blob id is that of `known`'s text for the
 * same path is not read: it gets `known`'s very string, so that comparing the two costs
 * nothing. Links and submodules are not files: they read as empty.
 */
export async function readCommitted(cwd: string, files: readonly CommittedFile[], known: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted: CommittedFile[] = [];
  for (const f of files) {
    if (f.type !== "blob" || f.mode === "120000") {
      out.set(f.path, "");
      continue;
    }
    const text = known.get(f.path);
    if (text !== undefined && blobId(text, f.oid.length) === f.oid) out.set(f.path, text);
    else wanted.push(f);
  }
  const blobs = await readBlobs(cwd, wanted.map((f) => f.oid));
  wanted.forEach((f, i) => out.set(f.path, blobs[i]!.toString("utf8")));
  return out;
}
