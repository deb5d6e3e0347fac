import Handlebars from "handlebars";
import { firstLine } from "../diagnostics/format.js";
import { nearest } from "../diagnostics/suggest.js";
import { LIMITS } from "../load/limits.js";

/**
 * Handlebars over plain data, locked down: a template reads variables and may use
 * `{{#if}}`/`{{#unless}}`, nothing else. Every variable is checked against the data before
 * rendering (Handlebars' own strict mode lets `{{constructor}}` and `{{cluster}}` through),
 * and the result is always one string: it replaces a scalar in the data, never YAML text.
 */

export type TemplateData = { readonly [key: string]: TemplateValue };
export type TemplateValue = string | number | boolean | TemplateData;

export interface TemplateProblem {
  readonly code: "template-syntax" | "template-unknown-variable" | "template-forbidden" | "template-too-large";
  readonly message: string;
}

const HELPERS = new Set(["if", "unless"]);
const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpersOnly: true,
  knownHelpers: { if: true, unless: true, each: false, with: false, log: false, lookup: false, helperMissing: false, blockHelperMissing: false },
} as const;
const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"]);

const env = Handlebars.create();

interface Compiled {
  readonly ast: hbs.AST.Program;
  readonly render: HandlebarsTemplateDelegate;
}

/** Is this string a template (it has `{{`, including an escaped `\{{`)? */
export function isTemplate(s: string): boolean {
  return s.includes("{{");
}

/** A cache of compiled templates, so a fleet-wide template is parsed once and rendered per cluster. */
export class TemplateEngine {
  private readonly cache = new Map<string, Compiled | TemplateProblem>();

  render(source: string, data: TemplateData): { value: string } | { problem: TemplateProblem } {
    const compiled = this.compile(source);
    if ("code" in compiled) return { problem: compiled };
    const problem = checkProgram(compiled.ast, data);
    if (problem !== undefined) return { problem };
    try {
      return { value: compiled.render(data) };
    } catch (e) {
      return { problem: { code: "template-syntax", message: `template failed: ${firstLine((e as Error).message)}` } };
    }
  }

  private compile(source: string): Compiled | TemplateProblem {
    const hit = this.cache.get(source);
    if (hit !== undefined) return hit;
    let out: Compiled | TemplateProblem;
    if (source.length > LIMITS.templateChars) {
      out = { code: "template-too-large", message: `template is ${source.length} characters, more than the limit of ${LIMITS.templateChars}` };
    } else {
      try {
        const ast = env.parse(source);
        const shape = checkShape(ast);
        out = shape ?? { ast, render: env.compile(ast, COMPILE_OPTIONS) };
      } catch (e) {
        out = { code: "template-syntax", message: syntaxMessage(e as Error & { hash?: { loc?: { first_column?: number } } }) };
      }
    }
    this.cache.set(source, out);
    return out;
  }
}

/** What a template may contain, independent of the data: no partials, helpers, data variables or context changes. */
function checkShape(program: hbs.AST.Program): TemplateProblem | undefined {
  for (const node of program.body) {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        break;
      case "MustacheStatement": {
        const m = node as hbs.AST.MustacheStatement;
        if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0) {
          return forbidden(`"{{${describe(m.path)} …}}" calls a helper; templates may only read variables and use #if/#unless`);
        }
        const p = checkPath(m.path);
        if (p !== undefined) return p;
        break;
      }
      case "BlockStatement": {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.type === "PathExpression" ? (b.path as hbs.AST.PathExpression).original : "";
        if (!HELPERS.has(name)) return forbidden(`"{{#${name}}}" is not allowed; templates may use #if and #unless only`);
        if (b.params.length !== 1 || (b.hash?.pairs.length ?? 0) > 0) return forbidden(`"{{#${name}}}" takes exactly one variable`);
        const param = b.params[0]!;
        if (param.type === "PathExpression") {
          const p = checkPath(param);
          if (p !== undefined) return p;
        } else if (!["StringLiteral", "NumberLiteral", "BooleanLiteral"].includes(param.type)) {
          return forbidden(`"{{#${name}}}" takes a variable, not ${param.type}`);
        }
        const inner = checkShape(b.program) ?? (b.inverse ? checkShape(b.inverse) : undefined);
        if (inner !== undefined) return inner;
        break;
      }
      default:
        return forbidden(`${node.type.replace(/Statement$/, "").toLowerCase()}s are not allowed in templates`);
    }
  }
  return undefined;
}

function checkPath(expr: hbs.AST.Expression): TemplateProblem | undefined {
  if (expr.type !== "PathExpression") return forbidden(`only variables can be shown, not ${expr.type}`);
  const p = expr as hbs.AST.PathExpression;
  if (p.data) return forbidden(`"@${p.original.replace(/^@/, "")}" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)`);
  if (p.depth > 0 || p.parts.length === 0 || /^(this|\.)/.test(p.original)) {
    return forbidden(`"${p.original}" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)`);
  }
  const bad = p.parts.find((part) => FORBIDDEN_NAMES.has(part));
  if (bad !== undefined) return forbidden(`"${p.original}" reaches "${bad}", which templates may not read`);
  return undefined;
}

/**
 * Every variable against the data: it must exist and be a scalar. Two places may name a
 * variable that is absent: the tested value of #if/#unless itself, and, inside the branch
 * that runs only when that value is there (the body of `#if x`, the `else` of `#unless x`),
 * exactly the tested variable: that branch is never rendered without it. Every other name is
 * checked as usual, so `{{cluster.lables.x}}` stays an error wherever it is written.
 */
function checkProgram(program: hbs.AST.Program, data: TemplateData, guarded: ReadonlySet<string> = new Set()): TemplateProblem | undefined {
  for (const node of program.body) {
    if (node.type === "MustacheStatement") {
      const path = (node as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
      const p = lookup(path, data, guarded.has(pathKey(path)) ? "guarded" : "shown");
      if (p !== undefined) return p;
    } else if (node.type === "BlockStatement") {
      const b = node as hbs.AST.BlockStatement;
      const param = b.params[0];
      let whenPresent = guarded;
      if (param?.type === "PathExpression") {
        const tested = param as hbs.AST.PathExpression;
        const p = lookup(tested, data, "tested");
        if (p !== undefined) return p;
        whenPresent = new Set([...guarded, pathKey(tested)]);
      }
      const name = (b.path as hbs.AST.PathExpression).original;
      // `#if x`: its body runs only when x is there; `#unless x`: its `else` does.
      const [body, inverse] = name === "if" ? [whenPresent, guarded] : [guarded, whenPresent];
      const inner = checkProgram(b.program, data, body) ?? (b.inverse ? checkProgram(b.inverse, data, inverse) : undefined);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** A variable's identity: its segments, so that `cluster.labels.[a.b]` and `cluster.labels.a.b` differ. */
function pathKey(path: hbs.AST.PathExpression): string {
  return JSON.stringify(path.parts);
}

/**
 * `shown`: must exist and be a scalar. `tested` (by #if/#unless): its last segment may be
 * absent, and it may be a mapping. `guarded` (shown inside the branch its test guards): its
 * last segment may be absent, since the branch then never runs, but if present it must be a scalar.
 */
type Use = "shown" | "tested" | "guarded";

function lookup(path: hbs.AST.PathExpression, data: TemplateData, use: Use): TemplateProblem | undefined {
  let cur: TemplateValue = data;
  const seen: string[] = [];
  for (let i = 0; i < path.parts.length; i++) {
    const part = path.parts[i]!;
    if (typeof cur !== "object") {
      return unknown(path, `${seen.join(".")} is ${JSON.stringify(cur)}, which has no field "${part}"`);
    }
    if (!Object.hasOwn(cur, part)) {
      if (use !== "shown" && i === path.parts.length - 1) return undefined; // `{{#if cluster.labels.zone}}` tests whether it is there
      const guess = nearest(part, Object.keys(cur));
      const where = seen.length === 0 ? "the available variables are cluster, host and fleet" : `${seen.join(".")} has ${describeKeys(cur)}`;
      return unknown(path, guess !== undefined ? `did you mean "${[...seen, guess].join(".")}"?` : where);
    }
    cur = cur[part]!;
    seen.push(part);
  }
  if (typeof cur === "object" && use !== "tested") {
    const message = Object.keys(cur).length === 0 ? `"${path.original}" is a mapping with no fields, not a value` : `"${path.original}" is a mapping, not a value; name one of its fields (${describeKeys(cur)})`;
    return { code: "template-unknown-variable", message };
  }
  return undefined;
}

function describeKeys(obj: TemplateData): string {
  const keys = Object.keys(obj).sort();
  if (keys.length === 0) return "no fields";
  return keys.length <= 8 ? keys.join(", ") : `${keys.slice(0, 8).join(", ")}, …`;
}

function unknown(path: hbs.AST.PathExpression, hint: string): TemplateProblem {
  return { code: "template-unknown-variable", message: `unknown variable "${path.original}": ${hint}` };
}

function forbidden(message: string): TemplateProblem {
  return { code: "template-forbidden", message };
}

function describe(expr: hbs.AST.Expression): string {
  return expr.type === "PathExpression" ? (expr as hbs.AST.PathExpression).original : expr.type;
}

/** Handlebars' parse errors span four lines (position, text, caret, expectation); one line is enough here. */
function syntaxMessage(e: Error & { hash?: { loc?: { first_column?: number } } }): string {
  const lines = e.message.split("\n");
  const expecting = lines.find((l) => l.startsWith("Expecting"));
  const caret = lines.find((l) => /^-*\^$/.test(l));
  const column = caret !== undefined ? caret.length : undefined;
  if (expecting !== undefined) return `template syntax error${column !== undefined ? ` at character ${column}` : ""}: ${expecting.replace(/'/g, "")}`;
  return `template syntax error: ${firstLine(e.message)}`;
}
