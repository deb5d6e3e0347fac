import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Not from ./cli.js, which loads the whole CLI.
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Go programs under test/ that build offline against Debian's Go sources: each go.mod
 * replaces every module by a directory under /usr/share/gocode/src, so there is no go.sum,
 * no module proxy and no network.
 */

/** Where Debian installs the Go sources the go.mod files replace their modules with. */
export const GOCODE = "/usr/share/gocode/src";

/** The environment the build needs: modules from go.mod as written, no proxy, no checksum database, the local toolchain, no cgo. */
export const GO_BUILD_ENV: Readonly<Record<string, string>> = {
  GOFLAGS: "-mod=mod",
  GOPROXY: "off",
  GOSUMDB: "off",
  GOTOOLCHAIN: "local",
  GOWORK: "off",
  CGO_ENABLED: "0",
};

/** Whether a `go` command is on PATH. */
export function goAvailable(): boolean {
  const r = spawnSync("go", ["version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/** The Debian source directories (relative to GOCODE) that are missing, of `dirs`. */
export function missingGoSources(dirs: readonly string[]): string[] {
  return dirs.filter((d) => !existsSync(path.join(GOCODE, d)));
}

const built = new Map<string, string>();

/**
 * Builds the Go program in test/`name` once per process, into a temporary directory; returns
 * the binary's path. `extraArgs` gets that directory, for files the build needs (an overlay).
 */
export function buildGoProgram(name: string, extraArgs: (dir: string) => string[] = () => []): string {
  const done = built.get(name);
  if (done !== undefined) return done;
  const dir = mkdtempSync(path.join(tmpdir(), `paodin-fleet-${name}-`));
  const env: Record<string, string | undefined> = { ...process.env, ...GO_BUILD_ENV };
  // Without HOME (or XDG_CACHE_HOME) go has no default cache: use the temporary directory.
  if (!env.GOCACHE && !env.XDG_CACHE_HOME && !env.HOME) env.GOCACHE = path.join(dir, "gocache");
  if (!env.GOPATH && !env.HOME) env.GOPATH = path.join(dir, "gopath");
  if (env.GOPATH) mkdirSync(env.GOPATH, { recursive: true });
  const binary = path.join(dir, name);
  const r = spawnSync("go", ["build", ...extraArgs(dir), "-o", binary, "."], { cwd: path.join(REPO, "test", name), env, encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`go build of test/${name} failed (${r.error?.message ?? `exit ${String(r.status)}`}):\n${r.stderr}`);
  }
  built.set(name, binary);
  return binary;
}

/** Runs a program of buildGoProgram with `input` as JSON on stdin; its stdout read as JSON. */
export function runGoProgram<T>(binary: string, input: unknown): T {
  const r = spawnSync(binary, [], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error !== undefined || r.status !== 0) throw new Error(`test/${path.basename(binary)} failed (${r.error?.message ?? `exit ${String(r.status)}`}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Removes what buildGoProgram built (from an afterAll: test workers end without an exit event to hook). */
export function removeGoPrograms(): void {
  for (const binary of built.values()) rmSync(path.dirname(binary), { recursive: true, force: true });
  built.clear();
}

// Cases for YAML emitted for these readers (test/go-yaml.test.ts), which the `yaml` package must read too (test/yaml.test.ts).

/** Strings Go's resolvers, scanners or readers treat specially, and neighbours of them. */
export const TRICKY_STRINGS: readonly string[] = [
  // Numbers to Go only: upper-case prefixes, `_` anywhere (resolve.go strips them all), 0b/0o fallbacks.
  ...["0X1F", "0B11", "0O17", "-0X1F", "+0X1F", "0x1F", "0b11", "0o17", "0o755", "0755", "08", "09", "-0b11", "-0o17", "0b-1", "0b+1", "0o-7", "0o+7", "0b", "0o", "0x", "0b_", "0x_", "0B"],
  ...["1e_5", "-_9_0", "+_1", "1_", "1__0", "0_x1F", "0x_1F", "1_000", "1_0.5", "._5", ".5_0", "1e5_", "_1", "__", "_"],
  ...["1", "-1", "+12", "1.", "1.e5", ".5", "-.5", "+.5", "1e5", "1E+5", "-1e-5", "1e999", "-1e999", "1.5e-7", ".", "+.", "-.", "+", "e5", "E5", ".e5", "e", "E"],
  ...["9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "0xFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF", "0b" + "1".repeat(70)],
  ...[".inf", ".Inf", ".INF", "+.inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "-.nan", "inf", "Infinity", "NaN", "nan", "0x1p-2", "1:20", "1:20:30.5", "190:20:30", "8080:80", "-1:30"],
  ...["2024-01-31", "2024-1-2", "2024-01-31T10:20:30Z", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2024-13-45", "1999-", "20240131"],
  // YAML 1.1 words (yaml.v2's resolve table), null, merge and value keys.
  ...["y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE"],
  ...["null", "Null", "NULL", "~", "", "<<", "=", "<<<", "~x"],
  // Document markers, indicators, comments.
  ...["---", "--- x", "---\tx", "...", "... x", "---x", "...x", "----", "-", "- x", "-x", "--a", "?", "? x", "?x", ":", ": x", ":x", "a: b", "a:", "a:b", "a :b", "a #b", "a#b", "#x", "@x", "`x", "*x", "&x", "!x", "!!str", "%x", "|", "|-", ">", "[x]", "{x}", "x,y", "'x'", '"x"', "x'", 'x"', "\\", "\\n"],
  // Characters readerc.go refuses raw, line breaks of YAML 1.1, a byte order mark, blanks.
  ...["\u007f", "\u0080", "\u0084", "\u0085", "\u0086", "\u009f", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ufffd", "\u0000", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f"],
  ...["\t", "\r", "\r\n", "\n", " ", "x ", " x", "x\ty", "x\ry", "a\u0085b", "a\u2028b", "\u{10000}", "\u{10ffff}", "\u{1fffe}", "😀", "é", "x\u0000y"],
  // Multi-line text, literal blocks and what must keep them out.
  ...["x\n", "x\n\n", "x\n\n\n", "\nx", "\n\nx\n", " x\ny", "x \ny", "x\t\ny", "x\ny ", "x\ny\t", "x\n y", "x\n\ty", "x\n  \ny", "x\n\u0085y", "x\n\u2028", "x\ny\u007f", "x\r\ny", "x\ny\r"],
  ...["x\n---\ny", "x\n--- y\n", "x\n...\n", "x\n# c\n", "x\n\n\ny\n\n", "x\n- y", "x\n? y", "a: 1\nb: 2\n", "|\nx", "x\n\u00a0y", "x\n\u00a0", "😀\nx", "x\n\ufeff"],
];

/** Strings of every kind, weighted towards the ones above and their neighbours. */
export const goYamlStringArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...TRICKY_STRINGS), fc.constantFrom(...TRICKY_STRINGS)).map(([a, b]) => a + b), weight: 2 },
  { arbitrary: fc.string({ unit: "binary" }), weight: 2 },
  { arbitrary: fc.string(), weight: 1 },
  // Near numbers: what strconv and the resolvers look at.
  { arbitrary: fc.string({ unit: fc.constantFrom(..."0123456789_+-.:eExXbBoOaAfFp", "inf", "nan", "Inf", "NaN", "T", "Z", " "), maxLength: 8 }), weight: 3 },
  // Near syntax: blanks, breaks, indicators and forbidden characters side by side.
  {
    arbitrary: fc.string({
      unit: fc.constantFrom(" ", "\t", "\n", "\r", "#", ":", "-", "?", ".", "a", "0", "\u0085", "\u2028", "\u007f", "\u009f", "\ufeff", "\ufffe", "\u00a0", "\u0000", "\u001b", "é", "😀", "'", '"', "\\", "---", "..."),
      maxLength: 10,
    }),
    weight: 3,
  },
  // Around the 1,024-character limit of implicit keys, counted after quoting and escaping.
  {
    arbitrary: fc
      .tuple(fc.constantFrom("k", "é", "😀", "\u0001", '"', " ", "0", "\u0085"), fc.integer({ min: 150, max: 1100 }), fc.constantFrom("", "a", "0", " ", ":"))
      .map(([c, n, tail]) => c.repeat(Math.max(1, Math.floor(n / (c === "k" || c === "0" ? 1 : 2)))) + tail),
    weight: 1,
  },
);

/** Scalars: strings above all, and numbers at the edges of int64, uint64 and float64. */
export const goYamlScalarArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: goYamlStringArb, weight: 6 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), weight: 1 },
  { arbitrary: fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 2 ** 63, 2 ** 64, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1.5, 1e300), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

/** Plain data as a renderer produces it, with keys of every kind. */
export const goYamlDataArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, goYamlScalarArb, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(goYamlStringArb, tie("value"), { maxKeys: 4 }),
})).value;
