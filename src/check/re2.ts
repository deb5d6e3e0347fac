/**
 * A CRD schema's `pattern` as the API server reads it: Go's regexp (RE2 syntax, Perl flags,
 * regexp/syntax/parse.go), not JavaScript's. `re2` parses the pattern with Go's rules and
 * gives either Go's own error (`error parsing regexp: …`) or a JavaScript RegExp that matches
 * what Go's would: `.` is everything but `\n`, `\s` is `[\t\n\f\r ]`, `$` is the end of the text,
 * `(?i)`, `(?m)`, `(?s)` and `(?U)` hold from where they stand to the end of their group,
 * `\A`, `\z`, `\pL`, `\Q…\E`, `(?P<name>…)` and `[[:alpha:]]` exist, and lookarounds,
 * backreferences and `\u` do not. test/crd-patterns.test.ts holds it to Go's regexp, run.
 *
 * Classes are sets of code points computed here, with Go's order of folding and negation, and
 * written as positive JavaScript classes.
 *
 * Not modelled: the Unicode version. Go 1.18 to 1.20 (the API servers of Kubernetes 1.24 to
 * 1.27) have Unicode 13.0.0's names and tables; the names are Go's, the code points and case
 * orbits JavaScript's (Node 20 has a later Unicode), so a character assigned after 13.0.0 is in
 * `\pL` here and in no class there. Nor Go's leftmost-first choice among alternatives (a match
 * is a match for a `pattern`).
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

type Ranges = readonly (readonly [number, number])[];

/** Sorted, with overlapping and adjacent ranges merged. */
function normalize(ranges: Ranges): [number, number][] {
  const out: [number, number][] = [];
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: Ranges): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const cp = (c: number): string => `\\u{${c.toString(16)}}`;
/**
 * A set of code points as one positive JavaScript class. Never a negated one: V8 (Node 20) drops
 * U+10FFFF from `[^…]` when the set holds U+10FFFE, so negation is computed here.
 */
const classSource = (ranges: Ranges): string => `[${normalize(ranges).map(([lo, hi]) => (lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`)).join("")}]`;

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
function allOrbits(): Map<number, number[]> {
  if (orbits === undefined) {
    orbits = new Map();
    for (let x = 0; x <= 0x1ffff; x++) {
      const k = foldKey(x);
      if (k !== x || orbits.has(k)) orbits.set(k, [...(orbits.get(k) ?? [k]), ...(k !== x ? [x] : [])]);
    }
  }
  return orbits;
}

function caseVariants(c: number): number[] {
  return (allOrbits().get(foldKey(c)) ?? []).filter((v) => v !== c);
}

/** The ranges closed under case folding, as Go's appendFoldedRange: every orbit that meets them, whole. */
function folded(ranges: Ranges): [number, number][] {
  const sorted = normalize(ranges);
  const holds = (c: number): boolean => sorted.some(([lo, hi]) => lo <= c && c <= hi);
  const out = [...sorted];
  for (const orbit of allOrbits().values()) if (orbit.some(holds)) for (const v of orbit) out.push([v, v]);
  return out;
}

/** Go's unicode.Categories (Unicode 13.0.0, Go 1.18 to 1.20, which built the API servers of Kubernetes 1.24 to 1.27): no Cn, and C is Cc, Cf, Co and Cs only. */
const GO_CATEGORIES = new Set("C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "));
/** Go's unicode.Scripts at the same version: the long names only, none of Unicode 14 or later. */
const GO_SCRIPTS = new Set(
  `Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid
  Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dives_Akuru
  Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul
  Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada
  Katakana Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar
  Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian
  Mro Multani Myanmar Nabataean Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic
  Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa
  Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese
  Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai Wancho
  Warang_Citi Yezidi Yi Zanabazar_Square`.split(/\s+/),
);

/**
 * Every code point but the surrogates, as one string to read a property's ranges off. No text
 * the server matches holds a surrogate (Go's JSON decoder turns a lone one into U+FFFD), so Cs
 * matches nothing here, as it matches nothing there.
 */
let everyCodePoint: string | undefined;
/** The code point of a UTF-16 index of that string: U+0000 to U+D7FF, U+E000 to U+FFFF, then two units each. */
const codePointAt = (i: number): number => (i < 0xd800 ? i : i < 0xf800 ? i + 0x800 : 0x10000 + ((i - 0xf800) >> 1));

const propertyCache = new Map<string, [number, number][]>();
/** A JavaScript property escape's code points as ranges (JavaScript's Unicode data). */
function propertyRanges(js: string): [number, number][] {
  const known = propertyCache.get(js);
  if (known !== undefined) return known;
  if (everyCodePoint === undefined) {
    const parts: string[] = [];
    for (let c = 0; c <= 0x10ffff; c += 0x1000) {
      const codes: number[] = [];
      for (let x = c; x < c + 0x1000; x++) if (x < 0xd800 || x > 0xdfff) codes.push(x);
      parts.push(String.fromCodePoint(...codes));
    }
    everyCodePoint = parts.join("");
  }
  const out: [number, number][] = [];
  // No class Go names holds both U+D7FF (unassigned) and U+E000, so no run crosses the surrogates.
  for (const m of everyCodePoint.matchAll(new RegExp(`\\p{${js}}+`, "gu"))) out.push([codePointAt(m.index), codePointAt(m.index + m[0].length - 1)]);
  propertyCache.set(js, out);
  return out;
}

/** `\p{Name}`'s code points: a general category or a script as Go names them, or Any; undefined for a name Go does not know. */
function unicodeRanges(name: string): [number, number][] | undefined {
  if (name === "Any") return [[0, 0x10ffff]];
  if (name === "C") return ["Cc", "Cf", "Co", "Cs"].flatMap(propertyRanges);
  if (GO_CATEGORIES.has(name)) return propertyRanges(name);
  if (GO_SCRIPTS.has(name)) return propertyRanges(`Script=${name}`);
  return undefined;
}

/** A class of Go's (a Perl, POSIX or Unicode one) under the flags: folded first, then negated (parse.go, appendGroup). */
const group = (ranges: Ranges, negated: boolean, f: Flags): Ranges => {
  const set = f.i ? folded(ranges) : ranges;
  return negated ? complement(set) : set;
};

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
        const cls = this.classEscape(f) ?? this.unicodeEscape(f);
        if (cls !== undefined) {
          push(classSource(cls));
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
  private classEscape(f: Flags): Ranges | undefined {
    const e = this.peek(1);
    if (e === undefined) return undefined;
    const ranges = PERL[e.toLowerCase()];
    if (ranges === undefined || !"dswDSW".includes(e)) return undefined;
    this.pos += 2;
    return group(ranges, e !== e.toLowerCase(), f);
  }

  /** `\pL`, `\p{Greek}`, `\p{^Greek}`, `\PL` as ranges; undefined for any other escape. */
  private unicodeEscape(f: Flags): Ranges | undefined {
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
    const ranges = unicodeRanges(name);
    if (ranges === undefined) return fail("invalid character class range", this.chars.slice(start, this.pos).join(""));
    return group(ranges, negated, f);
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
    const ranges: (readonly [number, number])[] = [];
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
        ranges.push(...group(set!, posix[1] === "^", f));
        continue;
      }
      if (c === "\\") {
        const cls = this.classEscape(f) ?? this.unicodeEscape(f);
        if (cls !== undefined) {
          ranges.push(...cls);
          continue;
        }
      }
      const rangeStart = this.pos;
      const lo = this.classChar();
      if (this.peek() === "-" && this.peek(1) !== undefined && this.peek(1) !== "]") {
        this.pos++;
        const hi = this.classChar();
        if (hi < lo) fail("invalid character class range", this.chars.slice(rangeStart, this.pos).join(""));
        ranges.push(...group([[lo, hi]], false, f));
      } else ranges.push(...group([[lo, lo]], false, f));
    }
    // Each item was folded as it was read; the class is negated whole, after (parse.go, parseClass).
    // An empty set is `[]`, which JavaScript agrees matches nothing.
    return classSource(negated ? complement(ranges) : ranges);
  }

  private classChar(): number {
    if (this.peek() === "\\") return this.escape();
    return this.chars[this.pos++]!.codePointAt(0)!;
  }
}
