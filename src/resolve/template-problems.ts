import type { DocPath, Issue } from "../diagnostics/issue.js";
import { issueAt, type SourceDoc } from "../load/source.js";
import type { TemplateProblem } from "./templates.js";

/** Template problems of the Fleet repeat for every cluster; report each once, naming the clusters it failed for. */
export class TemplateProblems {
  private readonly byPlace = new Map<string, { src: SourceDoc; path: DocPath; problem: TemplateProblem; clusters: string[] }>();
  private readonly places = new Set<string>();
  private flushed = 0;

  failed(src: SourceDoc, p: DocPath): boolean {
    return this.places.has(`${src.file}\0${p.join("\0")}`);
  }

  add(src: SourceDoc, p: DocPath, problem: TemplateProblem, cluster: string | undefined): void {
    this.places.add(`${src.file}\0${p.join("\0")}`);
    const key = `${src.file}\0${p.join("\0")}\0${problem.message}`;
    const entry = this.byPlace.get(key) ?? { src, path: p, problem, clusters: [] };
    if (cluster !== undefined) entry.clusters.push(cluster);
    this.byPlace.set(key, entry);
  }

  /** Issues not yet returned by an earlier call. */
  issues(): Issue[] {
    const all = [...this.byPlace.values()].slice(this.flushed);
    this.flushed = this.byPlace.size;
    return all.map(({ src, path: p, problem, clusters }) => {
      const forWhom = problem.code === "template-unknown-variable" && clusters.length > 0 ? ` (for cluster ${listNames(clusters)})` : "";
      return issueAt(src, p, problem.code, `${problem.message}${forWhom}`);
    });
  }
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `"${n}"`);
  if (names.length <= 3) return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
  return `${shown.join(", ")} and ${names.length - 3} more`;
}
