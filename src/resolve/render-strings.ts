import type { DocPath } from "../diagnostics/issue.js";
import { isPlainObject } from "./merge.js";
import { isTemplate, type TemplateData, type TemplateEngine, type TemplateProblem } from "./templates.js";

const hasTemplatesMemo = new WeakMap<object, boolean>();

/** Does any string in this tree need rendering? Memoised: the Fleet's tree is rendered once per cluster. */
function hasTemplates(value: unknown): boolean {
  if (typeof value === "string") return isTemplate(value);
  if (value === null || typeof value !== "object") return false;
  const memo = hasTemplatesMemo.get(value);
  if (memo !== undefined) return memo;
  const result = Array.isArray(value) ? value.some(hasTemplates) : Object.values(value).some(hasTemplates);
  hasTemplatesMemo.set(value, result);
  return result;
}

/**
 * Every template string in `value` rendered with `data`. Subtrees without templates are
 * returned as they are (shared, not copied). A string that fails is reported at its path
 * and left as written, so that later checks do not pile up on the same mistake.
 */
export function renderStrings(
  value: unknown,
  path: DocPath,
  engine: TemplateEngine,
  data: TemplateData,
  onProblem: (path: DocPath, problem: TemplateProblem) => void,
): unknown {
  if (!hasTemplates(value)) return value;
  if (typeof value === "string") {
    const r = engine.render(value, data);
    if ("problem" in r) {
      onProblem(path, r.problem);
      return value;
    }
    return r.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => renderStrings(v, [...path, i], engine, data, onProblem));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderStrings(v, [...path, k], engine, data, onProblem);
    return out;
  }
  return value;
}
