import type { AnySchemaObject } from "ajv";
import { resultOf, type DocPath, type Issue, type Result } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { issueAt, type SourceDoc } from "../load/source.js";
import { registry } from "../validate/ajv.js";
import type { ValidFleet } from "../validate/fleet.js";
import { resolveCluster, type ClusterContext, type Settings } from "./cluster.js";
import { defaultsFromSchema, withDefaults } from "./defaults.js";
import { restrictToFleetProblems } from "./exposure.js";
import { isPlainObject, merge, mergeExclusive } from "./merge.js";
import type { ArgoSettings, FluxSettings, ResolvedCluster, ResolvedFleet } from "./model.js";
import { ineffectiveOverrides, overrideWarnings, relevant, usedPart } from "./relevance.js";
import { renderStrings } from "./render-strings.js";
import { TemplateProblems } from "./template-problems.js";
import { TemplateEngine, type TemplateData, type TemplateProblem } from "./templates.js";

const FLEET_SCHEMA = "paodin-fleet/fleet_v1alpha1.json";
const SPEC = { $ref: "#/definitions/FleetSpec" };

/**
 * Defaults ← Fleet ← Cluster overrides, templates rendered per cluster, derived values
 * filled in, and the checks that need the merged result. Pure: reads only its input
 * (and the schemas shipped with the package).
 */
export function resolveFleet(valid: ValidFleet): Result<ResolvedFleet> {
  const issues: Issue[] = [];
  const fleetSrc = valid.fleet.src;
  const spec = valid.fleet.value.spec;
  const schema = registry().schemas.get(FLEET_SCHEMA) as AnySchemaObject;
  const defaults = defaultsFromSchema(SPEC, schema) as FleetSpec;
  const namespace = spec.namespace ?? defaults.namespace!;
  const hostDoc = valid.clusters.find((c) => c.value.spec.role === "host")!;
  const exclusive = exclusivePaths(SPEC, schema);
  const engine = new TemplateEngine();
  const templateProblems = new TemplateProblems();

  const fleetData = { name: valid.fleet.value.metadata.name, mode: spec.mode, namespace, labels: { ...valid.fleet.value.metadata.labels } } as const;
  const hostData = clusterData(hostDoc.value);

  // The sections that vary per cluster; `mode`, `namespace` and `gitops` are fleet-wide.
  const { mode: _mode, namespace: _ns, gitops, ...fleetSections } = spec;

  const resolved: ResolvedCluster[] = [];
  for (const doc of valid.clusters) {
    const c = doc.value;
    const data: TemplateData = { cluster: clusterData(c), host: hostData, fleet: fleetData };
    const report = (src: SourceDoc) => (p: DocPath, problem: TemplateProblem) => templateProblems.add(src, p, problem, c.metadata.name);
    // Only the settings this cluster uses are rendered: a template meant for members must not fail on the host.
    const fromFleet = renderStrings(relevant(spec.mode, c.spec.role, fleetSections), ["spec"], engine, data, report(fleetSrc));
    const { used, unused } = usedPart(spec.mode, c.spec.role, c.spec.overrides ?? {});
    const fromCluster = renderStrings({ ...c.spec, overrides: used }, ["spec"], engine, data, report(doc.src)) as Cluster["spec"];
    // Spec fragments merge over their defaults key by key (one alternative replaces another);
    // then every object gets the defaults of what it leaves out.
    const base = merge(defaults, fromFleet) as Partial<Settings>;
    const settings = withDefaults(mergeExclusive(base, fromCluster.overrides ?? {}, exclusive), SPEC, schema) as Settings;
    // Every override takes effect or says why it cannot.
    issues.push(...overrideWarnings(doc.src, [...unused, ...ineffectiveOverrides(used, settings, base, spec.mode)]));
    const ctx: ClusterContext = { doc, fleetSrc, issues, namespace, mode: spec.mode, templateFailed: (src, p) => templateProblems.failed(src, p) };
    resolved.push(resolveCluster(ctx, fromCluster, settings));
  }

  issues.push(...restrictToFleetProblems(valid, spec.mode, resolved));

  const gitopsData: TemplateData = { host: hostData, fleet: fleetData };
  const gitopsRendered = renderStrings(gitops ?? {}, ["spec", "gitops"], engine, gitopsData, (p, problem) => templateProblems.add(fleetSrc, p, problem, undefined));
  const gitopsSettings = withDefaults(gitopsRendered, { $ref: "#/definitions/GitOps" }, schema) as Required<NonNullable<FleetSpec["gitops"]>>;
  issues.push(...templateProblems.issues());
  const argocd = resolveArgo(gitopsSettings.argocd, fleetSrc, issues);
  const flux = gitopsSettings.flux.enabled === false ? null : (gitopsSettings.flux as FluxSettings);
  issues.push(...gitopsNameProblems(valid, argocd !== null, flux !== null));

  return resultOf(
    {
      name: valid.fleet.value.metadata.name,
      mode: spec.mode,
      namespace,
      labels: { ...valid.fleet.value.metadata.labels },
      host: resolved.find((r) => r.role === "host")!,
      members: resolved.filter((r) => r.role === "member"),
      argocd,
      flux,
      fleetFile: fleetSrc.file,
    },
    issues,
  );
}

/**
 * The mappings of the settings that hold exactly one of several alternatives (`maxProperties:
 * 1`, such as `central.objectStorage.source`), from the schema, as paths under `spec`.
 */
function exclusivePaths(node: AnySchemaObject, root: AnySchemaObject, at: DocPath = [], depth = 0): DocPath[] {
  const target = typeof node.$ref === "string" && node.$ref.startsWith("#/definitions/") ? (root.definitions as Record<string, AnySchemaObject>)[node.$ref.slice(14)] : node;
  if (target === undefined || depth > 16 || typeof target.$ref === "string") return [];
  const here: DocPath[] = target.maxProperties === 1 ? [at] : [];
  const props = target.properties;
  if (!isPlainObject(props)) return here;
  return [...here, ...Object.entries(props as Record<string, AnySchemaObject>).flatMap(([k, p]) => exclusivePaths(p, root, [...at, k], depth + 1))];
}

/** Argo CD's instance label and Flux's name label hold the Application's and Kustomization's name: 63 characters at most. */
const LABEL_VALUE_MAX = 63;

/** `<fleet>-<cluster>` names an Application and a Kustomization; both engines copy it into a label value. */
function gitopsNameProblems(valid: ValidFleet, argocd: boolean, flux: boolean): Issue[] {
  if (!argocd && !flux) return [];
  const fleet = valid.fleet.value.metadata.name;
  const kinds = [argocd ? "Argo CD Application (label app.kubernetes.io/instance)" : "", flux ? "Flux Kustomization (label kustomize.toolkit.fluxcd.io/name)" : ""].filter((k) => k !== "").join(" and ");
  return valid.clusters.flatMap((doc) => {
    const name = `${fleet}-${doc.value.metadata.name}`;
    if (name.length <= LABEL_VALUE_MAX) return [];
    return [issueAt(doc.src, ["metadata", "name"], "invalid-name", `"${name}" (${name.length} characters) names its ${kinds}, and each engine puts that name into a label value, which holds at most ${LABEL_VALUE_MAX} characters: shorten the cluster's name or the fleet's (${fleet.length} characters)`)];
  });
}

function clusterData(c: Cluster): TemplateData {
  return { name: c.metadata.name, role: c.spec.role, labels: { ...c.metadata.labels }, annotations: { ...c.metadata.annotations } };
}

function resolveArgo(argo: NonNullable<NonNullable<FleetSpec["gitops"]>["argocd"]>, fleetSrc: SourceDoc, issues: Issue[]): ArgoSettings | null {
  if (argo.enabled === false) return null;
  if (argo.repoURL === undefined || argo.repoURL === "") {
    issues.push(issueAt(fleetSrc, ["spec", "gitops", "argocd", "repoURL"], "required-setting", "required to render the Argo CD ApplicationSet: the Git URL of this repository (or set gitops.argocd.enabled: false)"));
    return null;
  }
  return argo as ArgoSettings;
}

