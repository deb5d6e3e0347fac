import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { re2 } from "../src/check/re2.js";
import { buildGoProgram, goAvailable, removeGoPrograms, runGoProgram } from "./helpers/go.js";

/**
 * A CRD `pattern` as the API server compiles and matches it: Go's regexp, run (test/goregexp),
 * against src/check/re2.ts. Go's answer is the oracle: the same error, word for word, or the
 * same match on every input.
 */
const INPUTS = ["", "a", "A", "ab", "aB", "abc", "ABC", "a\n", "\n", "\r", "a\nb", " ", "\t", "\u000b", "\u00a0", "\u2028", "é", "É", "α", "Ω", "😀", "-", "_", ".", "*", "[", "]", "{", "}", "{,3}", "x{2}", "0", "09", "123", "ſ", "K", "\u0000", "\u0007", "/", "\\", "a-b", "ab12", "aaa", "a b", "ξ", "#", "~", "\u007f", "\u001f", "\f", "F", "f", "G", "g", "à", "À", "ä", "Ä", "ÿ", "Ÿ", "A1", "aA", "Z", "z", "9", "@", "`", "^", "|", "\u0085", "\u{10ffff}", "k", "ß", "ẞ", "\u0080", "Ａ", "\ue000", "\uf8ff", "\ufffd", "\u{10000}", "\u{e0001}", "\u{f0000}", "\ud7fb", "\uffff"];

const CORPUS = [
  // Accepted by both, but meaning something else in JavaScript.
  ".", "^.$", "^.+$", "\\s", "\\S", "^\\s*$", "\\w+", "\\W", "\\d", "\\D", "[^a]", "$", "^a$", "a$", "^", "\\b", "\\B", "[\\s]", "[\\S]", "[^\\s]", "[\\W]", "[\\D]", "[\\w-]",
  // Go only.
  "(?i)^abc$", "(?i)é", "(?i:ab)c", "a(?i)b", "(a(?i)b)c", "(?s).", "(?s:.)a", "(?m)^b", "(?m)a$", "(?U)a+", "(?U)a+?", "(?i-s:a.)", "(?-i)a", "(?ims)a", "\\Aab", "a\\z", "\\pL+", "\\p{L}", "\\p{Lu}", "\\PL", "\\P{Lu}", "\\p{^Lu}", "\\p{Greek}", "\\p{Any}", "[\\p{Greek}a]", "[\\PL]",
  ...["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"].flatMap((c) => [`^[[:${c}:]]$`, `^[[:^${c}:]]$`]),
  "(?i)[a-c]", "(?i)^[à-ä]$", "(?i)^[K]$", "(?i)^k$", "(?i)^[^a]$", "(?i)[[:upper:]]", "(?i)\\d", "(?i)[x-zA]", "(?i)^[\\x{c0}-\\x{c4}]$", "(?i)ÿ", "(?i:é)", "^(?i:a)A$", "(?i)a(?-i)b",
  "[\\a\\f\\t\\n\\r\\v]", "[\\x{41}-\\x{43}]", "[\\101]", "[a-\\d]", "[\\d-\\w]", "[^\\pL]", "[\\P{Greek}]", "[\\p{Any}]", "[^\\p{Any}]", "[\\P{Any}]", "\\p{^Greek}", "\\P{^Greek}", "\\P{Any}", "\\p{^Any}", "(?i)s", "(?i)ß", "\\x{80}", "\\17", "\\77", "\\8", "[\\7]", "\\x{7f}", "[\\p{^L}]", "[[:alpha:]-z]", "[\\s\\S]", "[^\\s\\S]", "[^\\D]", "[^\\W]",
  "(?s:.)", "(?s-s:.)", "(?m:^a$)", "(?U:a*)", "(?U)a{1,2}", "(?U)a{1,2}?", "a{0}", "a{0,0}", "a{3,}?", "(a|b)*c", "a|b|c", "(?:)", "x*?", "\\x{10FFFF}", "\\x{0}", "\\00", "\\000", "\\0000", "\\18", "\\x{FFFFFFFFF}",
  "(?P<n>a)", "(?P<n>a)(?P<m>b)", "\\Q.*\\E", "\\Qa", "\\Q\\E", "a\\Q*\\E+", "\\x{41}", "\\x41", "\\x{1F600}", "[[:alpha:]]+", "[[:^alpha:]]", "[[:word:]]", "[[:space:]x]", "[\\d-z]", "\\0", "\\012", "\\101", "\\7", "a{,3}", "a{2}", "a{2,}", "a{2,3}", "a{1000}", "[a-]", "[-a]", "[]a]", "[^]a]", "\\/", "\\-", "\\_", "\\#", "\\ ", "^*", "$+", "()", "(|a)", "a|", "|", "\\a\\f\\t\\n\\r\\v",
  // At the edges: a class's complement up to U+10FFFF, (?i) over ranges wide and narrow, repeat counts at their limit, octal and hex at theirs.
  "[^\\x{10ffff}]", "[^\\x{0}-\\x{10fffe}]", "[^a-\\x{10ffff}]", "(?i)^[\\x{2000}-\\x{2200}]$", "(?i)^[a-z\\x{100}-\\x{400}]$", "(?i)^[\\x{0}-\\x{201}]$", "(?i)^[^k]$", "(?i)[k]", "(?i)^[ſ]$",
  "a{2,2}", "a{1000,}", "a{0,1000}", "a{1000,1000}", "\\70", "\\07", "\\08", "\\0777", "\\400", "\\19", "[\\18]", "\\x7F", "\\x{000041}", "[\\x{41}-\\x{10ffff}]", "\\PAny", "\\pN", "\\p{Nd}", "\\p{Zs}", "\\p{Lt}", "\\p{Latin}", "\\p{Han}",
  "\\Qab\\Ec", "\\Qa\\E*", "(?i)(?-i)a", "(?i-i)a", "(?i:a)(?s:.)", "(?:a", "[\\p{Greek}-z]", "[a-\\pL]", "(?i)\\p{Lu}", "(?i)\\P{Lu}", "(?i)[\\p{Ll}]", "(?i)\\p{Greek}", "(?i)[^\\p{Lu}]", "\\pC", "\\PC", "[\\pC]", "[^\\PC]", "[^\\P{L}]", "[\\PCa]", "(?i)\\W", "(?i)[\\W]", "(?i)[^\\w]", "(?i)\\S", "(?i)[[:^lower:]]", "(?i)[^k]", "(?i)[^\\W]", "(?i)\\p{Greek}", "(?i)[\\P{Lu}a]", "\\p{Common}", "\\p{Inherited}", "(?i)\\p{Common}", "\\p{Grek}", "\\p{Zyyy}", "\\p{Vithkuqi}", "\\p{Unknown}", "\\p{Old_Italic}",
  // Refused by Go.
  "\\p{Cn}", "\\p{LC}", "\\p{L&}", "\\p{Letter}", "\\p{Lowercase_Letter}", "\\p{greek}", "\\p{Script=Greek}", "\\pLu", "\\p{Lu", "\\\u0080", "\\é", "\\\u007f", "(?P<", "(?P<n", "(?P", "(?P>a)", "(?Px)", "(?-)", "(?i:a", "(?--i)",
  "a{1001,}", "a{1000,1001}", "\\x{41", "\\x{g}", "\\xg1", "\\x1g", "\\x", "[\\x]", "[\\", "[a\\", "[a-", "[a-\\", "[\\x{41}-", "[\\x{10ffff}-\\x{0}]", "\\Q", "(?i)\\x{110000}",
  "(?<n>a)", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "(a)\\1", "\\8", "\\1", "\\u0041", "\\cA", "\\e", "\\C", "\\Z", "\\x{110000}", "\\x{}", "\\xZZ", "\\x4", "a{1001}", "a{2,1}", "a{1,1001}", "a**", "a*+", "a+?*", "x{2}{3}", "*", "+a", "?", "(*)", "a|*", "(?i)*", "{2}", "[a", "[", "[]", "[z-a]", "(a", "a)", ")", "(?", "(?x)", "(?i", "(?i-)", "(?P<>a)", "(?P<a-b>x)", "(?P<n>a)(?P<n>b)", "(?P=n)", "\\p{Foo}", "\\p{", "[[:foo:]]", "\\", "a\\", "\\pZ{", "[\\z]", "[\\b]",
];

describe.skipIf(!goAvailable())("CRD patterns as Go's regexp reads them", () => {
  let binary = "";
  beforeAll(() => {
    binary = buildGoProgram("goregexp");
  }, 120_000);
  afterAll(() => removeGoPrograms());

  const go = (patterns: readonly string[]) => runGoProgram<{ error: string; matches: boolean[] | null }[]>(binary, patterns.map((pattern) => ({ pattern, inputs: INPUTS })));
  const disagreements = (patterns: readonly string[]): string[] => {
    const answers = go(patterns);
    return patterns.flatMap((p, i) => {
      const want = answers[i]!;
      const ours = re2(p);
      if (!ours.ok) return want.error === ours.error ? [] : [`${JSON.stringify(p)}: Go ${want.error === "" ? "accepts it" : `says ${want.error}`}, paodin-fleet says ${ours.error}`];
      if (want.error !== "") return [`${JSON.stringify(p)}: Go says ${want.error}, paodin-fleet accepts it`];
      return INPUTS.flatMap((s, j) => (ours.regexp.test(s) === want.matches![j] ? [] : [`${JSON.stringify(p)} on ${JSON.stringify(s)}: Go ${want.matches![j] ? "matches" : "does not match"}`]));
    });
  };

  it("gives Go's error, or Go's matches, for every pattern of the corpus", () => {
    expect(disagreements(CORPUS)).toEqual([]);
  });

  it("knows the Unicode classes Go knows, and no other: its scripts and categories, read from its own tables", () => {
    // unicode/tables.go of the Go that runs the oracle; the names JavaScript knows besides
    // (aliases, Unicode 14 and later, Cn) must be refused as Go refuses them.
    const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
    const tables = readFileSync(path.join(goroot, "src", "unicode", "tables.go"), "utf8");
    const names = (map: string) => [...tables.slice(tables.indexOf(`var ${map} = map[string]*RangeTable{`)).split("\n}")[0]!.matchAll(/^\t"(\w+)":/gm)].map((m) => m[1]!);
    const scripts = names("Scripts");
    const categories = names("Categories");
    expect(scripts.length).toBeGreaterThan(150);
    expect(categories).toContain("Lu");
    const jsOnly = ["Grek", "Latn", "Zyyy", "Zinh", "Zzzz", "Unknown", "Vithkuqi", "Toto", "Kawi", "Nag_Mundari", "Cypro_Minoan", "Old_Uyghur", "Tangsa", "Cn", "LC", "Letter", "Script=Greek", "sc=Grek", "gc=L", "Any"];
    expect(disagreements([...scripts, ...categories, ...jsOnly].flatMap((n) => [`\\p{${n}}`, `(?i)\\P{${n}}`]))).toEqual([]);
  });

  it("agrees with Go on patterns assembled from RE2's pieces", () => {
    const piece = fc.constantFrom("a", "B", "é", ".", "^", "$", "|", "(", ")", "(?:", "(?i)", "(?s)", "(?m)", "(?U)", "(?i:", "*", "+", "?", "{2}", "{1,}", "{,2}", "{", "}", "[", "]", "[^", "-", "\\", "\\d", "\\s", "\\w", "\\S", "\\b", "\\z", "\\A", "\\pL", "\\p{Greek}", "\\Q", "\\E", "\\x41", "\\n", "\\1", "\\01", "[:alpha:]", "(?P<x>", "(?=", "\\u0041");
    const patterns = fc.sample(fc.array(piece, { minLength: 1, maxLength: 8 }).map((a) => a.join("")), { numRuns: 3000, seed: 20261203 });
    const wrong = disagreements(patterns);
    expect(wrong.slice(0, 20)).toEqual([]);
    // Both kinds were reached: patterns Go refuses, and patterns it compiles and runs.
    const answers = go(patterns);
    expect(answers.filter((a) => a.error === "").length).toBeGreaterThan(500);
    expect(answers.filter((a) => a.error !== "").length).toBeGreaterThan(500);
  });
});
