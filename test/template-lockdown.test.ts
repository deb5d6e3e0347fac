import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFleet, run, testdir } from "./helpers/cli.js";

/**
 * The template lock-down as a user meets it (README, "Templates"): a fleet whose
 * `central.gatewayURL` (rendered for every cluster) is the template under test, checked with
 * `validate` and `render`. Exit 1 with the exact message at the key's position, or exit 0 and the
 * value rendered. The bodies of `#if` and `#unless`, and their `{{else}}`, are checked like the
 * rest; an absent variable is allowed only as the tested value itself (its last segment) and,
 * shown, only in the branch that runs when it is there.
 */

const AT = "clusters/fleet.yaml:24:17 spec.central.gatewayURL:";
const FOR_ALL = '(for cluster "host", "member-1" and "member-2")';

function fleetWith(template: string, hostLabels = ""): Record<string, string> {
  const files = exampleFleet();
  const fleet = files["clusters/fleet.yaml"]!;
  const line = '    gatewayURL: "http://{{host.labels.node-ip}}:30990"';
  expect(fleet.split("\n")[23]).toBe(line);
  files["clusters/fleet.yaml"] = fleet.replace(line, `    gatewayURL: '${template}'`);
  if (hostLabels !== "") files["clusters/host.yaml"] = files["clusters/host.yaml"]!.replace("    node-ip: 10.0.0.10\n", `    node-ip: 10.0.0.10\n${hostLabels}`);
  return files;
}

async function validate(template: string, hostLabels = ""): Promise<{ code: number; stderr: string; stdout: string }> {
  const { dir, cleanup } = testdir(fleetWith(template, hostLabels));
  try {
    return await run(["validate"], dir);
  } finally {
    cleanup();
  }
}

async function rendered(template: string, hostLabels = ""): Promise<string> {
  const { dir, cleanup } = testdir(fleetWith(template, hostLabels));
  try {
    const r = await run(["render"], dir);
    expect(r.code, r.stderr).toBe(0);
    const prom = readFileSync(path.join(dir, "overlays/member-1/prometheus.monitoring.coreos.com_kubesphere-monitoring-system_k8s.yaml"), "utf8");
    return /- url: (\S+)/.exec(prom)![1]!;
  } finally {
    cleanup();
  }
}

const refused = (message: string, clusters = FOR_ALL) => `${AT} ${message} ${clusters}\n1 error; nothing was written.\n`;
const forbidden = (message: string) => `${AT} ${message}\n1 error; nothing was written.\n`;

describe("template lock-down: the bodies of #if and #unless are checked too", () => {
  it.each([
    // What a template may not contain, in each of the four branches.
    ["{{#if host.labels.node-ip}}{{#each host.labels}}x{{/each}}{{/if}}", '"{{#each}}" is not allowed; templates may use #if and #unless only'],
    ["{{#if host.labels.node-ip}}x{{else}}{{#each host.labels}}x{{/each}}{{/if}}", '"{{#each}}" is not allowed; templates may use #if and #unless only'],
    ["{{#unless host.labels.node-ip}}{{#with host}}x{{/with}}{{/unless}}", '"{{#with}}" is not allowed; templates may use #if and #unless only'],
    ["{{#unless host.labels.node-ip}}x{{else}}{{#with host}}x{{/with}}{{/unless}}", '"{{#with}}" is not allowed; templates may use #if and #unless only'],
    ['{{#if host.labels.node-ip}}{{lookup host "name"}}{{/if}}', '"{{lookup …}}" calls a helper; templates may only read variables and use #if/#unless'],
    ["{{#if host.labels.node-ip}}x{{else}}{{> partial}}{{/if}}", "partials are not allowed in templates"],
    ["{{#unless host.labels.node-ip}}{{@root.host.name}}{{/unless}}", '"@root.host.name" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)'],
    ["{{#unless host.labels.node-ip}}x{{else}}{{this.host.name}}{{/unless}}", '"this.host.name" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)'],
    ["{{#if host.labels.node-ip}}{{host.constructor}}{{/if}}", '"host.constructor" reaches "constructor", which templates may not read'],
    ["{{#if host.labels.node-ip}}x{{else}}{{host.__proto__}}{{/if}}", '"host.__proto__" reaches "__proto__", which templates may not read'],
    // Nested blocks: the inner one's bodies too.
    ["{{#if host.labels.node-ip}}{{#unless cluster.labels.x}}{{#each host}}y{{/each}}{{/unless}}{{/if}}", '"{{#each}}" is not allowed; templates may use #if and #unless only'],
    ["{{#if host.labels.node-ip}}{{#if cluster.labels.x}}a{{else}}{{> p}}{{/if}}{{/if}}", "partials are not allowed in templates"],
    // After something allowed, the rest is checked too.
    ["http://{{host.name}}{{#each host}}x{{/each}}", '"{{#each}}" is not allowed; templates may use #if and #unless only'],
    ["{{#if host.name}}a{{/if}}{{> p}}", "partials are not allowed in templates"],
    // What #if and #unless take: exactly one variable (or a literal), nothing else.
    ["{{host.name x=1}}", '"{{host.name …}}" calls a helper; templates may only read variables and use #if/#unless'],
    ["{{#if host.name x=1}}a{{/if}}", '"{{#if}}" takes exactly one variable'],
    ["{{#unless host.name host.role}}a{{/unless}}", '"{{#unless}}" takes exactly one variable'],
    ["{{#if (host.name)}}a{{/if}}", '"{{#if}}" takes a variable, not SubExpression'],
    ['{{"x"}}', "only variables can be shown, not StringLiteral"],
    ['{{"x" host.name}}', '"{{StringLiteral …}}" calls a helper; templates may only read variables and use #if/#unless'],
    // A block named by a literal is no #if, even one that spells it.
    ['{{#"if" host.name}}a{{/if}}', '"{{#}}" is not allowed; templates may use #if and #unless only'],
    // The tested variable itself is held to the same rules.
    ["{{#if host.constructor}}a{{/if}}", '"host.constructor" reaches "constructor", which templates may not read'],
    ["{{#unless @root.host}}a{{/unless}}", '"@root.host" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)'],
    ["{{#if ../host}}a{{/if}}", '"../host" is not allowed; name the variable from the top (cluster.name, fleet.name, host.name)'],
    // Every name that reaches an object's internals.
    ...["prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"].map((n) => [`{{host.${n}}}`, `"host.${n}" reaches "${n}", which templates may not read`] as [string, string]),
  ])("%s is refused", async (template, message) => {
    const r = await validate(template);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(forbidden(message));
  });

  it.each([
    // An unknown variable in any branch, guarded or not.
    ["{{#if host.labels.node-ip}}{{host.lables.node-ip}}{{/if}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    ["{{#if host.labels.node-ip}}x{{else}}{{host.lables.node-ip}}{{/if}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    ["{{#unless host.labels.node-ip}}{{host.lables.node-ip}}{{/unless}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    ["{{#unless host.labels.node-ip}}x{{else}}{{host.lables.node-ip}}{{/unless}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    // A guard covers only the branch that runs when the value is there.
    ["{{#if host.labels.gw}}x{{else}}{{host.labels.gw}}{{/if}}", 'unknown variable "host.labels.gw": host.labels has node-ip'],
    ["{{#unless host.labels.gw}}{{host.labels.gw}}{{/unless}}", 'unknown variable "host.labels.gw": host.labels has node-ip'],
    // …and only the tested variable: another absent one stays an error in that branch.
    ["{{#if host.labels.gw}}{{host.labels.other}}{{/if}}", 'unknown variable "host.labels.other": host.labels has node-ip'],
    // …and not after its block.
    ["{{#if host.labels.gw}}x{{/if}}{{host.labels.gw}}", 'unknown variable "host.labels.gw": host.labels has node-ip'],
    // After a variable that is there, the next one is checked too.
    ["{{host.name}}{{host.labels.gw}}", 'unknown variable "host.labels.gw": host.labels has node-ip'],
  ])("%s is refused", async (template, message) => {
    const r = await validate(template);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(refused(message));
  });
});

describe("template lock-down: what a template may be", () => {
  it("a comment, a literal or a mapping tested by #if: allowed, and rendered", async () => {
    const url = "http://10.0.0.10:30990/member-1/api/v1/receive";
    expect(await rendered("{{! the host gateway }}http://{{host.labels.node-ip}}:30990")).toBe(url);
    expect(await rendered("{{#if true}}http://{{host.labels.node-ip}}:30990{{/if}}")).toBe(url);
    expect(await rendered('{{#if "x"}}http://{{host.labels.node-ip}}:30990{{/if}}')).toBe(url);
    expect(await rendered("{{#if 1}}http://{{host.labels.node-ip}}:30990{{/if}}")).toBe(url);
    expect(await rendered("{{#if host.labels}}http://{{host.labels.node-ip}}:30990{{/if}}")).toBe(url);
    expect(await rendered("{{#unless host.labels}}x{{else}}http://{{host.labels.node-ip}}:30990{{/unless}}")).toBe(url);
  });

  it("a template of up to 4,096 characters; one more is refused, saying how long it is", async () => {
    const head = "http://{{host.labels.node-ip}}:30990/";
    const at = (n: number) => head + "p".repeat(n - head.length);
    expect(await rendered(at(4096))).toBe(`http://10.0.0.10:30990/${"p".repeat(4096 - head.length)}/member-1/api/v1/receive`);
    const r = await validate(at(4097));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(forbidden("template is 4097 characters, more than the limit of 4096"));
  });

  it("a syntax error says where, or what does not match", async () => {
    const r = await validate("http://{{host.name");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(forbidden("template syntax error at character 15: Expecting ID, got INVALID"));
    const m = await validate("{{#if host.name}}a{{/unless}}");
    expect(m.code).toBe(1);
    expect(m.stderr).toBe(forbidden("template syntax error: if doesn't match unless - 1:3"));
  });

  it("an unknown variable among many names the first eight of them", async () => {
    const labels = Array.from({ length: 10 }, (_, i) => `    l${i}: v${i}\n`).join("");
    const r = await validate("{{host.labels.qqqqqqqq}}", labels);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(refused('unknown variable "host.labels.qqqqqqqq": host.labels has l0, l1, l2, l3, l4, l5, l6, l7, …'));
    const eight = Array.from({ length: 7 }, (_, i) => `    l${i}: v${i}\n`).join("");
    expect((await validate("{{host.labels.qqqqqqqq}}", eight)).stderr).toBe(refused('unknown variable "host.labels.qqqqqqqq": host.labels has l0, l1, l2, l3, l4, l5, l6, node-ip'));
  });
});

describe("template lock-down: a missing path in #if is refused, except its last segment", () => {
  it.each([
    ["{{#if host.lables.node-ip}}a{{/if}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    ["{{#unless host.lables.node-ip}}a{{/unless}}", 'unknown variable "host.lables.node-ip": did you mean "host.labels"?'],
    ["{{#if nothing.here}}a{{/if}}", 'unknown variable "nothing.here": the available variables are cluster, host and fleet'],
    ["{{#if host.labels.gw.port}}a{{/if}}", 'unknown variable "host.labels.gw.port": host.labels has node-ip'],
    ["{{#if host.name.first}}a{{/if}}", 'unknown variable "host.name.first": host.name is "host", which has no field "first"'],
    ["{{#if host.labels.node-ip}}{{#if host.lables.x}}a{{/if}}{{/if}}", 'unknown variable "host.lables.x": did you mean "host.labels"?'],
    // A guarded variable that is there is still shown only as a value.
    ["{{#if host.labels}}{{host.labels}}{{/if}}", '"host.labels" is a mapping, not a value; name one of its fields (node-ip)'],
  ])("%s is refused", async (template, message) => {
    const r = await validate(template);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(refused(message));
  });

  it("an absent label in #if, shown in its body, renders the other branch; once set, its value", async () => {
    const t = "{{#if host.labels.gw}}{{host.labels.gw}}{{else}}http://{{host.labels.node-ip}}:30990{{/if}}";
    expect(await rendered(t)).toBe("http://10.0.0.10:30990/member-1/api/v1/receive");
    expect(await rendered(t, "    gw: http://gw.example.com\n")).toBe("http://gw.example.com/member-1/api/v1/receive");
    const u = "{{#unless host.labels.gw}}http://{{host.labels.node-ip}}:30990{{else}}{{host.labels.gw}}{{/unless}}";
    expect(await rendered(u)).toBe("http://10.0.0.10:30990/member-1/api/v1/receive");
    expect(await rendered(u, "    gw: http://gw.example.com\n")).toBe("http://gw.example.com/member-1/api/v1/receive");
    // Labels with dots, read with a segment literal, guarded the same way.
    const d = "{{#if host.labels.[gw.example/url]}}{{host.labels.[gw.example/url]}}{{else}}http://{{host.labels.node-ip}}:30990{{/if}}";
    expect(await rendered(d)).toBe("http://10.0.0.10:30990/member-1/api/v1/receive");
    expect(await rendered(d, "    gw.example/url: http://dots.example.com\n")).toBe("http://dots.example.com/member-1/api/v1/receive");
    expect((await validate(d)).code).toBe(0);
  });
});
