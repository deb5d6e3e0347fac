import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../src/emit/yaml.js";

/** Plain data as the renderer produces it. */
const scalarArb = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string(),
  fc.constantFrom("yes", "No", "ON", "off", "y", "N", "~", "null", "NULL", "true", "False", "0755", "0x1F", "1e3", ".5", "+12", "1_000", "12:30:45", ".inf", ".NaN", "2024-01-31", "<<", "=", "-", "- x", "? x", ": x", "a: b", "a #b", "#x", "@x", "`x", "*x", "&x", "!x", "%x", "|", ">", "[x]", "{x}", "x,y", "\n", "\nx", "x\n", "x\n\n", " x\ny", "x \ny", "\t"),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const dataArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalarArb, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("y", "n", "on", "1", "", "a: b", "- x", "__x")), tie("value"), { maxKeys: 4 }),
})).value;

/** Order- and prototype-independent equality of plain data. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

describe("toYaml", () => {
  it("reads back as the same data in YAML 1.1 and 1.2", () => {
    fc.assert(
      fc.property(dataArb, (value) => {
        const text = toYaml(value);
        for (const version of ["1.1", "1.2"] as const) {
          const back = parse(text, { version, uniqueKeys: false, schema: version === "1.1" ? "yaml-1.1" : "core" });
          if (canonical(back) !== canonical(value)) throw new Error(`YAML ${version} reads back ${JSON.stringify(back)} from\n${text}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("writes Kubernetes objects as kubectl does: metadata first, lists flush with their key, literal blocks", () => {
    expect(
      toYaml({ spec: { args: ["--a", "-b"], c: {} }, metadata: { name: "x", labels: { on: "yes" } }, kind: "K", apiVersion: "v1", data: { "k.yaml": "a: 1\nb: 2\n" } }),
    ).toBe(
      [
        "apiVersion: v1",
        "kind: K",
        "metadata:",
        "  labels:",
        '    "on": "yes"',
        "  name: x",
        "data:",
        "  k.yaml: |",
        "    a: 1",
        "    b: 2",
        "spec:",
        "  args:",
        "  - --a",
        "  - -b",
        "  c: {}",
        "",
      ].join("\n"),
    );
  });
});
