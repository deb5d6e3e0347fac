/**
 * A CRD schema's `pattern` as the API server reads it: Go's regexp (RE2 syntax, Perl flags,
 * regexp/syntax/parse.go), not JavaScript's. `re2` parses the pattern with Go's rules and
 * gives either Go's own error (`error parsing regexp: …`) or a JavaScript RegExp that matches
 * what Go's would: `.` is everything but `\n`, `\s` is `[\t\n\f\r ]`, `$` is the end of the text,
 * `(?i)`, `(?m)`, `(?s)` and `(?U)` hold from where they stand to the end of their group,
 * `\A`, `\z`, `\pL`, `\Q…\E`, `(?P<name>…)` and `[[:alpha:]]` exist, and lookarounds,
 * backreferences and `\u` do not. test/crd-patterns.test.ts holds it to Go's regexp, run.
 *
 * Not modelled: case folding beyond what String.prototype.toLowerCase/toUpperCase give, and
 * Go's leftmost-first choice among alternatives (a match is a match for a `pattern`).
 */
export type Re2 = { readonly ok: true; readonly regexp: RegExp } | { readonly ok: false; readonly error: string };

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
  readonly U: boolean;
}

class Re2Error extends Error {}

const fail = (code: string, expr: string): never => {
  throw new Re2Error(`error parsing regexp: ${code}: \`${expr}\``);
};

export function re2(pattern: string): Re2 {
  try {
    const p = new Parser(pattern);
    // At the top level the parser reads to the end; a `)` there fails inside it.
    const source = p.alternation({ i: false, m: false, s: false, U: false }, 0);
    return { ok: true, regexp: new RegExp(source, "u") };
  } catch (e) {
    if (e instanceof Re2Error) return { ok: false, error: e.message };
    throw e;
  }
}

const MAX_REPEAT = 1000;
const WORD = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]] as const;
const PERL: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: WORD,
};
/** regexp/syntax/perl_groups.go, the POSIX classes (ASCII only). */
const POSIX: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const cp = (c: number): string => `\\u{${c.toString(16)}}`;
const rangesSource = (ranges: readonly (readonly [number, number])[]): string => ranges.map(([lo, hi]) => (lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`)).join("");

/** One code point's case mapping, when it is one code point. */
function single(v: string): number | undefined {
  const cps = [...v];
  return cps.length === 1 ? cps[0]!.codePointAt(0) : undefined;
}

/** The key of a case-folding orbit: lower case of upper case (U+212A, the Kelvin sign, and k both to k; U+017F, the long s, and s to s). */
function foldKey(c: number): number {
  const upper = single(String.fromCodePoint(c).toUpperCase()) ?? c;
  return single(String.fromCodePoint(upper).toLowerCase()) ?? c;
}

/** Orbits by key, built once, when a pattern first folds case (Go's unicode.SimpleFold orbits, as far as JavaScript's case mappings tell them). */
let orbits: Map<number, number[]> | undefined;
function caseVariants(c: number): number[] {
  if (orbits === undefined) {
    orbits = new Map();
    for (let x = 0; x <= 0x1ffff; x++) {
      const k = foldKey(x);
      if (k !== x || orbits.has(k)) orbits.set(k, [...(orbits.get(k) ?? [k]), ...(k !== x ? [x] : [])]);
    }
  }
  return (orbits.get(foldKey(c)) ?? []).filter((v) => v !== c);
}

function folded(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = ranges.map(([lo, hi]) => [lo, hi]);
  for (const [lo, hi] of ranges) {
    // Code point by code point for ranges a pattern writes by hand; a range wider than that keeps its own cases only.
    if (hi - lo <= 512) for (let c = lo; c <= hi; c++) for (const v of caseVariants(c)) out.push([v, v]);
  }
  return out;
}

/** `\p{Name}`: a general category (L, Lu, ...), a script (Greek, ...) or Any, as JavaScript names them; undefined if neither knows it. */
function unicodeClass(name: string, negated: boolean): string | undefined {
  if (name === "Any") return negated ? "[^\\u{0}-\\u{10ffff}]" : "[\\u{0}-\\u{10ffff}]";
  for (const js of [/^[A-Z][a-z]?$/.test(name) ? name : undefined, `Script=${name}`]) {
    if (js === undefined) continue;
    try {
      new RegExp(`\\p{${js}}`, "u");
      return `\\${negated ? "P" : "p"}{${js}}`;
    } catch {
      // not this kind of name
    }
  }
  return undefined;
}

/** `.`, the anchors and the word boundaries as JavaScript sources under the flags, or undefined for any other text. */
function fixedAtom(text: string, f: Flags): string | undefined {
  switch (text) {
    case ".":
      return f.s ? "[\\u{0}-\\u{10ffff}]" : "[^\\n]";
    case "^":
      return f.m ? "(?:^|(?<=\\n))" : "(?:^)";
    case "$":
      return f.m ? "(?:$|(?=\\n))" : "(?:$)";
    case "\\A":
      return "(?:^)";
    case "\\z":
      return "(?:$)";
    case "\\b":
    case "\\B":
      return `(?:${text})`;
    default:
      return undefined;
  }
}

class Parser {
  readonly chars: string[];
  pos = 0;

  constructor(readonly pattern: string) {
    this.chars = [...pattern];
  }

  private peek(n = 0): string | undefined {
    return this.chars[this.pos + n];
  }

  private rest(): string {
    return this.chars.slice(this.pos).join("");
  }

  /** Alternatives up to the `)` of the group (depth > 0) or the end; flags set inside end with it. */
  alternation(flags: Flags, depth: number): string {
    const branches: string[] = [];
    let current = "";
    let f = flags;
    // The last atom's source and where it began, for a repetition to apply to.
    let atom: { source: string; opStart?: number } | undefined;
    const push = (source: string): void => {
      current += source;
      atom = { source };
    };
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (depth > 0) fail("missing closing )", this.pattern);
        break;
      }
      if (c === ")") {
        if (depth === 0) fail("unexpected )", this.pattern);
        break;
      }
      const start = this.pos;
      if (c === "|") {
        this.pos++;
        branches.push(current);
        current = "";
        atom = undefined;
        continue;
      }
      if (c === "*" || c === "+" || c === "?" || (c === "{" && this.repeatAhead() !== undefined)) {
        const op = this.repetition();
        // Perl syntax: one repetition of a repetition is an error, naming both operators.
        if (atom?.opStart !== undefined) fail("invalid nested repetition operator", this.chars.slice(atom.opStart, this.pos).join(""));
        const lazy = this.peek() === "?" ? (this.pos++, true) : false;
        if (atom === undefined) return fail("missing argument to repetition operator", this.chars.slice(start, this.pos).join(""));
        const source = `(?:${atom.source})${op}${lazy !== f.U ? "?" : ""}`;
        current = current.slice(0, current.length - atom.source.length) + source;
        atom = { source, opStart: start };
        continue;
      }
      if (c === "(") {
        if (this.peek(1) === "?" && !(this.peek(2) === "P" && this.peek(3) === "<" && this.peek(4) !== undefined)) {
          const set = this.flagGroup(f);
          // A repetition after `(?i)` repeats what came before it, as Go's operand stack has it.
          if (set.kind === "set") {
            f = set.flags;
            continue;
          }
          const inner = this.alternation(set.flags, depth + 1);
          this.pos++;
          push(`(?:${inner})`);
          continue;
        }
        if (this.peek(1) === "?") {
          // `(?P<name>`; Go 1.18 has neither `(?<name>` nor a rule against a name used twice.
          const m = /^\(\?P<([^>]*)>/.exec(this.rest());
          if (m === null) fail("invalid named capture", this.rest());
          if (!/^[A-Za-z0-9_]+$/.test(m![1]!)) fail("invalid named capture", m![0]);
          this.pos += [...m![0]].length;
        } else this.pos++;
        const inner = this.alternation(f, depth + 1);
        this.pos++;
        // Unnamed in JavaScript, which refuses a name twice; matching does not need it.
        push(`(${inner})`);
        continue;
      }
      if (c === "[") {
        push(this.charClass(f));
        continue;
      }
      const text = c === "\\" ? `\\${this.peek(1) ?? ""}` : c;
      const fixed = fixedAtom(text, f);
      if (fixed !== undefined) {
        this.pos += text.length;
        push(fixed);
        continue;
      }
      if (c === "\\") {
        const next = this.peek(1);
        if (next === "Q") {
          this.pos += 2;
          const end = this.rest().indexOf("\\E");
          const lit = end === -1 ? this.rest() : this.rest().slice(0, end);
          this.pos += [...lit].length + (end === -1 ? 0 : 2);
          for (const ch of lit) push(this.literal(ch.codePointAt(0)!, f));
          continue;
        }
        const cls = this.classEscape();
        if (cls !== undefined) {
          push(`[${rangesSource(f.i ? folded(cls) : cls)}]`);
          continue;
        }
        const uni = this.unicodeEscape();
        if (uni !== undefined) {
          push(uni);
          continue;
        }
        push(this.literal(this.escape(), f));
        continue;
      }
      this.pos++;
      push(this.literal(c.codePointAt(0)!, f));
    }
    branches.push(current);
    return branches.join("|");
  }

  private literal(c: number, f: Flags): string {
    if (!f.i) return cp(c);
    const variants = caseVariants(c);
    return variants.length === 0 ? cp(c) : `[${[c, ...variants].map(cp).join("")}]`;
  }

  /** `{n}`, `{n,}`, `{n,m}` at the position, or undefined: then `{` is a literal (parse.go, parseRepeat). */
  private repeatAhead(): [number, number | undefined] | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest());
    if (m === null) return undefined;
    return [Number(m[1]), m[2] === undefined ? Number(m[1]) : m[3] === "" ? undefined : Number(m[3])];
  }

  private repetition(): string {
    const c = this.peek()!;
    if (c !== "{") {
      this.pos++;
      return c;
    }
    const [min, max] = this.repeatAhead()!;
    const text = /^\{[^}]*\}/.exec(this.rest())![0];
    this.pos += text.length;
    if (min > MAX_REPEAT || (max !== undefined && (max > MAX_REPEAT || max < min))) fail("invalid repeat count", text);
    return max === undefined ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
  }

  /** `(?flags)` or `(?flags:`; lookarounds and the rest are Perl syntax Go does not have. */
  private flagGroup(f: Flags): { kind: "set" | "group"; flags: Flags } {
    // parse.go, parsePerlFlags: flags, a `-` once, then `:` or `)`; anything else ends in an error naming what was read.
    const start = this.pos;
    this.pos += 2;
    const flags: Record<keyof Flags, boolean> = { ...f };
    let negated = false;
    let sawFlag = false;
    for (;;) {
      const c = this.chars[this.pos++];
      if (c === undefined) break;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        flags[c] = !negated;
        sawFlag = true;
      } else if (c === "-" && !negated) {
        negated = true;
        sawFlag = false;
      } else if ((c === ":" || c === ")") && (!negated || sawFlag)) {
        return { kind: c === ")" ? "set" : "group", flags };
      } else break;
    }
    this.pos = Math.min(this.pos, this.chars.length);
    return fail("invalid or unsupported Perl syntax", this.chars.slice(start, this.pos).join(""));
  }

  /** `\d \s \w` and their negations, as ranges; undefined for any other escape. */
  private classEscape(): (readonly [number, number])[] | undefined {
    const e = this.peek(1);
    if (e === undefined) return undefined;
    const ranges = PERL[e.toLowerCase()];
    if (ranges === undefined || !"dswDSW".includes(e)) return undefined;
    this.pos += 2;
    return e === e.toLowerCase() ? [...ranges] : complement(ranges);
  }

  /** `\pL`, `\p{Greek}`, `\p{^Greek}`, `\PL` as JavaScript's property escapes. */
  private unicodeEscape(): string | undefined {
    const e = this.peek(1);
    if (e !== "p" && e !== "P") return undefined;
    const start = this.pos;
    this.pos += 2;
    let name: string;
    if (this.peek() === "{") {
      const end = this.chars.indexOf("}", this.pos);
      if (end === -1) fail("invalid character class range", this.chars.slice(start).join(""));
      name = this.chars.slice(this.pos + 1, end).join("");
      this.pos = end + 1;
    } else {
      const c = this.peek();
      if (c === undefined) fail("invalid escape sequence", this.chars.slice(start).join(""));
      name = c!;
      this.pos++;
    }
    let negated = e === "P";
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    const js = unicodeClass(name, negated);
    if (js === undefined) fail("invalid character class range", this.chars.slice(start, this.pos).join(""));
    return js;
  }

  /** One escaped character (parse.go, parseEscape): the code point it stands for. */
  private escape(): number {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) fail("trailing backslash at end of expression", "");
    this.pos++;
    const bad = (): never => fail("invalid escape sequence", this.chars.slice(start, this.pos).join(""));
    if (c! >= "1" && c! <= "7" && !(this.peek() !== undefined && this.peek()! >= "0" && this.peek()! <= "7")) return bad();
    if (c! >= "0" && c! <= "7") {
      // Octal, up to three digits; a lone non-zero digit would be a backreference.
      let v = Number(c);
      for (let k = 0; k < 2 && this.peek() !== undefined && this.peek()! >= "0" && this.peek()! <= "7"; k++) v = v * 8 + Number(this.chars[this.pos++]);
      return v;
    }
    if (c === "x") {
      if (this.peek() === "{") {
        // Hex digits up to `}`; Go stops at the first character that is none, or once the value passes U+10FFFF.
        this.pos++;
        let v = 0;
        let digits = 0;
        for (;;) {
          const h = this.chars[this.pos++];
          if (h === undefined) return bad();
          if (h === "}" && digits > 0) return v;
          if (!/^[0-9A-Fa-f]$/.test(h)) return bad();
          v = v * 16 + parseInt(h, 16);
          digits++;
          if (v > 0x10ffff) return bad();
        }
      }
      const hex = this.chars.slice(this.pos, this.pos + 2).join("");
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        this.pos = Math.min(this.pos + 2, this.chars.length);
        return bad();
      }
      this.pos += 2;
      return parseInt(hex, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (simple[c!] !== undefined) return simple[c!]!;
    const code = c!.codePointAt(0)!;
    if (code < 0x80 && !/[0-9A-Za-z]/.test(c!)) return code;
    return bad();
  }

  /** `[...]`: ranges, escapes, `[:alpha:]`, as one JavaScript class. */
  private charClass(f: Flags): string {
    const start = this.pos;
    this.pos++;
    const negated = this.peek() === "^";
    if (negated) this.pos++;
    const ranges: [number, number][] = [];
    const props: string[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) fail("missing closing ]", this.chars.slice(start).join(""));
      if (c === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest());
      if (posix !== null) {
        const set = POSIX[posix[2]!];
        if (set === undefined) fail("invalid character class range", posix[0]);
        this.pos += posix[0].length;
        ranges.push(...(posix[1] === "^" ? complement(set!) : set!.map(([a, b]) => [a, b] as [number, number])));
        continue;
      }
      if (c === "\\") {
        const cls = this.classEscape();
        if (cls !== undefined) {
          ranges.push(...cls.map(([a, b]) => [a, b] as [number, number]));
          continue;
        }
        const uni = this.unicodeEscape();
        if (uni !== undefined) {
          if (uni.startsWith("[")) ranges.push(...(uni.startsWith("[^") ? [] : [[0, 0x10ffff] as [number, number]]));
          else props.push(uni);
          continue;
        }
      }
      const rangeStart = this.pos;
      const lo = this.classChar();
      if (this.peek() === "-" && this.peek(1) !== undefined && this.peek(1) !== "]") {
        this.pos++;
        const hi = this.classChar();
        if (hi < lo) fail("invalid character class range", this.chars.slice(rangeStart, this.pos).join(""));
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    const all = f.i ? folded(ranges) : ranges;
    const body = rangesSource(all) + props.join("");
    // An empty class matches nothing: JavaScript's `[]` agrees, `[^]` (negated, empty) everything.
    return `[${negated ? "^" : ""}${body}]`;
  }

  private classChar(): number {
    if (this.peek() === "\\") return this.escape();
    return this.chars[this.pos++]!.codePointAt(0)!;
  }
}
