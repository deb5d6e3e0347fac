import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TemplateEngine } from "../src/resolve/templates.js";

const data = { cluster: { name: "member-1", role: "member", labels: { region: "eu", "topology.kubernetes.io/zone": "eu-1a" } }, host: { name: "host" }, fleet: { name: "f" } };
const render = (t: string) => new TemplateEngine().render(t, data);

describe("templates", () => {
  it("read variables, labels with dots through [ ] segments, and #if/#unless", () => {
    expect(render("{{cluster.name}}.example.com:10901")).toEqual({ value: "member-1.example.com:10901" });
    expect(render("{{cluster.labels.[topology.kubernetes.io/zone]}}")).toEqual({ value: "eu-1a" });
    expect(render("{{#if cluster.labels.gpu}}gpu{{else}}cpu{{/if}}")).toEqual({ value: "cpu" });
    expect(render("{{#unless cluster.labels.region}}none{{else}}{{cluster.labels.region}}{{/unless}}")).toEqual({ value: "eu" });
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
