import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTemplate, TemplateEngine } from "../src/resolve/templates.js";

const data = { cluster: { name: "member-1", role: "member", labels: { region: "eu", "topology.kubernetes.io/zone": "eu-1a" } }, host: { name: "host" }, fleet: { name: "f" } };
const render = (t: string) => new TemplateEngine().render(t, data);

describe("templates", () => {
  it("read variables, labels with dots through [ ] segments, and #if/#unless", () => {
    expect(render("{{cluster.name}}.example.com:10901")).toEqual({ value: "member-1.example.com:10901" });
    expect(render("{{cluster.labels.[topology.kubernetes.io/zone]}}")).toEqual({ value: "eu-1a" });
    expect(render("{{#if cluster.labels.gpu}}gpu{{else}}cpu{{/if}}")).toEqual({ value: "cpu" });
    expect(render("{{#unless cluster.labels.region}}none{{else}}{{cluster.labels.region}}{{/unless}}")).toEqual({ value: "eu" });
  });

  it("#if may guard an absent label: the branch that needs it is not checked for it", () => {
    const fallback = "{{#if cluster.labels.sidecar}}{{cluster.labels.sidecar}}{{else}}{{cluster.name}}.example.com:10901{{/if}}";
    expect(render(fallback)).toEqual({ value: "member-1.example.com:10901" });
    expect(new TemplateEngine().render(fallback, { cluster: { name: "m", labels: { sidecar: "10.0.0.9:30901" } } })).toEqual({ value: "10.0.0.9:30901" });
    // #unless: the guarded branch is its else.
    expect(render("{{#unless cluster.labels.sidecar}}none{{else}}{{cluster.labels.sidecar}}{{/unless}}")).toEqual({ value: "none" });
    // Labels with dots, nested guards, and an else-if chain.
    expect(render("{{#if cluster.labels.[a.b/c]}}{{cluster.labels.[a.b/c]}}{{/if}}")).toEqual({ value: "" });
    expect(render("{{#if cluster.labels.a}}{{#if cluster.labels.b}}{{cluster.labels.a}}{{cluster.labels.b}}{{/if}}{{/if}}x")).toEqual({ value: "x" });
    expect(render("{{#if cluster.labels.a}}{{cluster.labels.a}}{{else if cluster.labels.b}}{{cluster.labels.b}}{{else}}{{cluster.labels.region}}{{/if}}")).toEqual({ value: "eu" });
  });

  it("a guard covers exactly the tested variable, in the branch that needs it; misspellings stay errors", () => {
    for (const [t, message] of [
      // The misspelt part is not the tested one: refused with a suggestion, in the test and in the body.
      ["{{#if cluster.lables.sidecar}}{{cluster.lables.sidecar}}{{/if}}", 'unknown variable "cluster.lables.sidecar": did you mean "cluster.labels"?'],
      ["{{#if cluster.labels.sidecar}}{{cluster.lables.sidecar}}{{/if}}", 'unknown variable "cluster.lables.sidecar": did you mean "cluster.labels"?'],
      ["{{#if cluster.labels.sidecar}}{{cluster.labels.sidecr}}{{/if}}", 'unknown variable "cluster.labels.sidecr": cluster.labels has region, topology.kubernetes.io/zone'],
      // The branch that runs when the label is absent may not show it.
      ["{{#if cluster.labels.sidecar}}x{{else}}{{cluster.labels.sidecar}}{{/if}}", 'unknown variable "cluster.labels.sidecar": cluster.labels has region, topology.kubernetes.io/zone'],
      ["{{#unless cluster.labels.sidecar}}{{cluster.labels.sidecar}}{{/unless}}", 'unknown variable "cluster.labels.sidecar": cluster.labels has region, topology.kubernetes.io/zone'],
      // Nor does a guard outlive its block.
      ["{{#if cluster.labels.sidecar}}x{{/if}}{{cluster.labels.sidecar}}", 'unknown variable "cluster.labels.sidecar": cluster.labels has region, topology.kubernetes.io/zone'],
      // A guarded variable that is there must still be a value.
      ["{{#if cluster.labels}}{{cluster.labels}}{{/if}}", '"cluster.labels" is a mapping, not a value; name one of its fields (region, topology.kubernetes.io/zone)'],
    ] as const) {
      const r = render(t);
      expect("problem" in r ? r.problem.message : r.value, t).toBe(message);
    }
  });

  it("a guard unlocks nothing else: helpers, partials, @data, this, .. and prototype names stay refused inside it", () => {
    for (const t of [
      "{{#if cluster.labels.x}}{{#each cluster.labels}}y{{/each}}{{/if}}",
      "{{#if cluster.labels.x}}{{> partial}}{{/if}}",
      "{{#if cluster.labels.x}}{{lookup cluster.labels 'x'}}{{/if}}",
      "{{#if cluster.labels.x}}{{@root.cluster.labels.x}}{{/if}}",
      "{{#if cluster.labels.x}}{{this.cluster.labels.x}}{{/if}}",
      "{{#if cluster.labels.x}}{{../cluster.labels.x}}{{/if}}",
      "{{#if cluster.labels.constructor}}{{cluster.labels.constructor}}{{/if}}",
      "{{#if cluster.labels.__proto__}}{{cluster.labels.__proto__}}{{/if}}",
      "{{#if cluster.labels.x}}{{cluster.labels.x.prototype}}{{/if}}",
      "{{#if cluster.labels.x}}{{{{raw}}}}{{cluster.labels.x}}{{{{/raw}}}}{{/if}}",
    ]) {
      const r = render(t);
      expect("problem" in r ? r.problem.code : r.value, t).toBe("template-forbidden");
    }
  });

  it("only a string with {{ is a template: any other string is never read as one (nor held to a template's limits)", () => {
    expect(isTemplate("a plain value { } }}, x".repeat(500))).toBe(false);
    expect(isTemplate("x{{cluster.name}}")).toBe(true);
    expect(isTemplate("\\{{ literal")).toBe(true);
  });

  it("escape a literal {{ as Handlebars does", () => {
    expect(render("\\{{ index . \"key\" }}")).toEqual({ value: '{{ index . "key" }}' });
  });

  it("refuse what is not a plain variable read", () => {
    for (const [t, code] of [
      ["{{nope}}", "template-unknown-variable"],
      ["{{cluster.labels.zone}}", "template-unknown-variable"],
      ["{{cluster}}", "template-unknown-variable"],
      ["{{#each cluster}}x{{/each}}", "template-forbidden"],
      ["{{#with cluster}}{{name}}{{/with}}", "template-forbidden"],
      ["{{lookup cluster 'name'}}", "template-forbidden"],
      ["{{> partial}}", "template-forbidden"],
      ["{{cluster.constructor}}", "template-forbidden"],
      ["{{cluster.name.__proto__}}", "template-forbidden"],
      ["{{this.cluster}}", "template-forbidden"],
      ["{{../cluster}}", "template-forbidden"],
      ["{{@root.cluster.name}}", "template-forbidden"],
      ["{{#if (eq a b)}}x{{/if}}", "template-forbidden"],
      ["{{cluster.name", "template-syntax"],
      ["x".repeat(5000) + "{{cluster.name}}", "template-too-large"],
    ] as const) {
      const r = render(t);
      expect("problem" in r ? r.problem.code : r.value, t).toBe(code);
    }
  });

  it("always yield one string, whatever the values hold (never YAML structure)", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const r = new TemplateEngine().render("x-{{cluster.labels.v}}-y", { cluster: { labels: { v: value } } });
        expect(r).toEqual({ value: `x-${value}-y` });
      }),
    );
  });
});
