import path from "node:path";
import type { AnySchemaObject } from "ajv";
import { resultOf, type DocPath, type Issue, type IssueCode, type Result } from "../diagnostics/issue.js";
import type { Cluster } from "../generated/paodin-fleet/cluster_v1alpha1.js";
import type { ClusterOverrides, FleetSpec } from "../generated/paodin-fleet/fleet_v1alpha1.js";
import { hasNode, issueAt, positionOf, type SourceDoc } from "../load/source.js";
import { registry } from "../validate/ajv.js";
import { validatorFor } from "../validate/validators.js";
import { ajvIssues } from "../validate/ajv-issues.js";
import type { ClusterDoc } from "../validate/documents.js";
import type { ValidFleet } from "../validate/fleet.js";
import { checkGatewayURL, checkStoreAddress, unpinnedReason } from "./checks.js";
import { defaultsFromSchema } from "./defaults.js";
import { merge } from "./merge.js";
import { ingestorDefects, serviceDefects, storeDefects, type Defect } from "./operator-defects.js";
import type { ArgoSettings, Asset, CentralSettings, FluxSettings, ObjectStorageSource, ResolvedCluster, ResolvedFleet } from "./model.js";
import { renderStrings } from "./render-strings.js";
import { TemplateEngine, type TemplateData, type TemplateProblem } from "./templates.js";

const FLEET_SCHEMA = "paodin-fleet/fleet_v1alpha1.json";
const CR_SPEC_SCHEMAS = {
  service: "monitoring.paodin.io/service_v1alpha1.json#/properties/spec",
  store: "monitoring.paodin.io/store_v1alpha1.json#/properties/spec",
  ingestor: "monitoring.paodin.io/thanosreceiveingestor_v1alpha1.json#/properties/spec",
} as const;

/** The sections of the Fleet spec a Cluster may override (same names, same schema). */
type Settings = Required<Pick<FleetSpec, keyof ClusterOverrides>>;

/**
 * Defaults ← Fleet ← Cluster overrides, templates rendered per cluster, derived values
 * filled in, and the checks that need the merged result. Pure: reads only its input
 * (and the schemas shipped with the package).
 */
export function resolveFleet(valid: ValidFleet): Result<ResolvedFleet> {
  const issues: Issue[] = [];
  const fleetSrc = valid.fleet.src;
  const spec = valid.fleet.value.spec;
  const fleetSchema = registry().schemas.get(FLEET_SCHEMA) as AnySchemaObject;
  const defaults = defaultsFromSchema({ $ref: "#/definitions/FleetSpec" }, fleetSchema) as FleetSpec;
  const namespace = spec.namespace ?? defaults.namespace!;
  const hostDoc = valid.clusters.find((c) => c.value.spec.role === "host")!;
  const engine = new TemplateEngine();
  const templateProblems = new TemplateProblems();

  const fleetData = { name: valid.fleet.value.metadata.name, mode: spec.mode, namespace, labels: { ...valid.fleet.value.metadata.labels } } as const;
  const hostData = clusterData(hostDoc.value);
  const dataFor = (c: Cluster): TemplateData => ({ cluster: clusterData(c), host: hostData, fleet: fleetData });

  // The sections that vary per cluster; `mode`, `namespace` and `gitops` are fleet-wide.
  const { mode: _mode, namespace: _ns, gitops, ...fleetSections } = spec;

  const resolved: ResolvedCluster[] = [];
  for (const doc of valid.clusters) {
    const c = doc.value;
    const data = dataFor(c);
    const report = (src: SourceDoc) => (p: DocPath, problem: TemplateProblem) => templateProblems.add(src, p, problem, c.metadata.name);
    // Only the settings this cluster uses are rendered: a template meant for members must not fail on the host.
    const fromFleet = renderStrings(relevant(spec.mode, c.spec.role, fleetSections), ["spec"], engine, data, report(fleetSrc));
    const overrides = c.spec.overrides ?? {};
    const used = relevant(spec.mode, c.spec.role, overrides);
    issues.push(...unusedOverrides(doc.src, overrides, used, spec.mode, c.spec.role));
    const fromCluster = renderStrings({ ...c.spec, overrides: used }, ["spec"], engine, data, report(doc.src)) as Cluster["spec"];
    const settings = merge(merge(defaults, fromFleet), fromCluster.overrides ?? {}) as Settings;
    const ctx: ClusterContext = { doc, fleetSrc, issues, namespace, mode: spec.mode, templateFailed: (src, p) => templateProblems.failed(src, p) };
    resolved.push(resolveCluster(ctx, fromCluster, settings));
  }
  issues.push(...templateProblems.issues());

  const gitopsData: TemplateData = { host: hostData, fleet: fleetData };
  const gitopsRendered = renderStrings(gitops ?? {}, ["spec", "gitops"], engine, gitopsData, (p, problem) => templateProblems.add(fleetSrc, p, problem, undefined));
  const gitopsSettings = merge(defaults.gitops, gitopsRendered) as NonNullable<FleetSpec["gitops"]>;
  issues.push(...templateProblems.issues());
  const argocd = resolveArgo(gitopsSettings.argocd ?? {}, fleetSrc, issues);
  const flux: FluxSettings | null = gitopsSettings.flux?.enabled === false ? null : (gitopsSettings.flux as FluxSettings);

  const host = resolved.find((r) => r.role === "host")!;
  return resultOf(
    {
      name: valid.fleet.value.metadata.name,
      mode: spec.mode,
      namespace,
      labels: { ...valid.fleet.value.metadata.labels },
      host,
      members: resolved.filter((r) => r.role === "member"),
      argocd,
      flux,
      fleetFile: fleetSrc.file,
    },
    issues,
  );
}

/** The part of a settings tree that a cluster of this role uses in this mode. */
function relevant(mode: FleetSpec["mode"], role: Cluster["spec"]["role"], s: ClusterOverrides): ClusterOverrides {
  const host = role === "host";
  const out: ClusterOverrides = {};
  if (host && s.operator !== undefined) out.operator = s.operator;
  if (s.prometheus !== undefined) out.prometheus = s.prometheus;
  if (s.exposure !== undefined && (mode === "central" ? host : !host)) out.exposure = s.exposure;
  if (mode === "central") {
    if (s.kubesphere !== undefined) out.kubesphere = s.kubesphere;
    if (s.central !== undefined) out.central = host ? s.central : pick(s.central, ["gatewayURL"]);
  } else if (s.scattered !== undefined) {
    out.scattered = host ? pick(s.scattered, ["service"]) : pick(s.scattered, ["sidecarAddress"]);
  }
  return out;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Overrides a cluster sets that its role does not use in this mode: a warning, since they look like they do something. */
function unusedOverrides(src: SourceDoc, all: ClusterOverrides, used: ClusterOverrides, mode: FleetSpec["mode"], role: string): Issue[] {
  const out: Issue[] = [];
  for (const [section, value] of Object.entries(all) as [keyof ClusterOverrides, Record<string, unknown>][]) {
    const kept = used[section] as Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      if (kept !== undefined && Object.hasOwn(kept, key)) continue;
      out.push(issueAt(src, ["spec", "overrides", section, key], "unused-setting", `has no effect on a ${role} in ${mode} mode`, { severity: "warning", key: true }));
    }
  }
  return out;
}

function clusterData(c: Cluster): TemplateData {
  return { name: c.metadata.name, role: c.spec.role, labels: { ...c.metadata.labels }, annotations: { ...c.metadata.annotations } };
}

interface ClusterContext {
  readonly doc: ClusterDoc;
  readonly fleetSrc: SourceDoc;
  readonly issues: Issue[];
  readonly namespace: string;
  readonly mode: FleetSpec["mode"];
  /** A template at this place failed: it has been reported, and checks of its value would only repeat it. */
  readonly templateFailed: (src: SourceDoc, path: DocPath) => boolean;
}

/** Where a merged setting was written: the Cluster's overrides, else the Fleet (else the nearest place it belongs). */
function origin(ctx: ClusterContext, settingPath: DocPath): { src: SourceDoc; path: DocPath } {
  const inCluster: DocPath = ["spec", "overrides", ...settingPath];
  if (hasNode(ctx.doc.src.doc, inCluster)) return { src: ctx.doc.src, path: inCluster };
  return { src: ctx.fleetSrc, path: ["spec", ...settingPath] };
}

function report(ctx: ClusterContext, settingPath: DocPath, code: IssueCode, message: string): void {
  const o = origin(ctx, settingPath);
  if (ctx.templateFailed(o.src, o.path)) return;
  ctx.issues.push(issueAt(o.src, o.path, code, message));
}

/**
 * A setting that is missing: reported where the setting that needs it was written (the
 * strategy that asks for a base, say), under the path of the missing field.
 */
function missing(ctx: ClusterContext, settingPath: DocPath, because: DocPath | undefined, message: string): void {
  const anchor = because !== undefined ? origin(ctx, because) : origin(ctx, settingPath);
  const prefix = anchor.path.slice(0, anchor.path.length - (because ?? settingPath).length);
  const full = [...prefix, ...settingPath];
  const { line, col } = positionOf(anchor.src, because !== undefined ? anchor.path : full);
  ctx.issues.push({ code: "required-setting", severity: "error", message, file: anchor.src.file, line, col, path: full });
}

function resolveCluster(ctx: ClusterContext, clusterSpec: Cluster["spec"], s: Settings): ResolvedCluster {
  const c = ctx.doc.value;
  const name = c.metadata.name;
  const role = c.spec.role;
  const isHost = role === "host";

  const operator = s.operator;
  if (isHost && operator.install === true) {
    if (operator.image === undefined) {
      missing(ctx, ["operator", "image"], undefined, "required when the operator is installed (operator.install): the controller image, pinned by tag or digest");
    } else if (operator.allowUnpinnedImage !== true) {
      const why = unpinnedReason(operator.image);
      if (why !== undefined) {
        report(ctx, ["operator", "image"], "unpinned-image", `${JSON.stringify(operator.image)} is not pinned: ${why}; name a version tag or a digest (…@sha256:…), or set operator.allowUnpinnedImage: true`);
      }
    }
  }

  let sidecarAddress = "";
  if (ctx.mode === "scattered" && !isHost) {
    const address = s.scattered.sidecarAddress;
    if (address === undefined) {
      missing(ctx, ["scattered", "sidecarAddress"], undefined, `required in scattered mode: the host:port at which the host reaches member "${name}"'s Thanos sidecar`);
    } else {
      const problem = checkStoreAddress(address);
      if (problem !== undefined) report(ctx, ["scattered", "sidecarAddress"], "invalid-value", `for cluster "${name}": ${problem}`);
      sidecarAddress = address;
    }
  }

  const central = resolveCentral(ctx, s, isHost);
  const kubesphere = s.kubesphere;
  let base: Asset | undefined;
  if (ctx.mode === "central" && kubesphere.strategy === "configMap") {
    if (kubesphere.base === undefined) {
      missing(ctx, ["kubesphere", "base"], ["kubesphere", "strategy"], "required with strategy configMap: the kubesphere.yaml to start from");
    } else base = asset(ctx, ["kubesphere", "base"], kubesphere.base);
  }

  if (isHost) validateCrSpecs(ctx, central, s);

  const kubeConfigSpec = clusterSpec.kubeConfig;
  const kubeConfig = kubeConfigSpec !== undefined || !isHost
    ? { secretName: kubeConfigSpec?.secretName ?? `${name}-kubeconfig`, ...(kubeConfigSpec?.key !== undefined ? { key: kubeConfigSpec.key } : {}) }
    : null;
  const dest = clusterSpec.destination;
  const destination =
    dest?.server !== undefined ? { server: dest.server } : dest?.name !== undefined ? { name: dest.name } : isHost ? { server: "https://kubernetes.default.svc" } : { name };

  return {
    name,
    role,
    labels: { ...c.metadata.labels },
    file: ctx.doc.src.file,
    destination,
    kubeConfig,
    operator: {
      install: operator.install ?? true,
      image: operator.image ?? "",
      imagePullPolicy: operator.imagePullPolicy ?? "IfNotPresent",
      namespace: operator.namespace ?? "kubesphere-monitoring-system",
      replicas: operator.replicas ?? 1,
    },
    prometheus: {
      name: s.prometheus.name!,
      namespace: s.prometheus.namespace!,
      externalLabel: s.prometheus.externalLabel!,
      thanos: s.prometheus.thanos ?? {},
    },
    exposure: {
      type: s.exposure.type!,
      gatewayNodePort: s.exposure.gatewayNodePort!,
      sidecarNodePort: s.exposure.sidecarNodePort!,
      annotations: s.exposure.annotations ?? {},
    },
    scattered: {
      serviceName: s.scattered.service?.name ?? "scattered",
      serviceSpec: s.scattered.service?.spec ?? {},
      sidecarAddress,
    },
    central,
    kubesphere: { strategy: kubesphere.strategy!, ...(base !== undefined ? { base } : {}) },
  };
}

function resolveCentral(ctx: ClusterContext, s: Settings, isHost: boolean): CentralSettings {
  const c = s.central;
  let gatewayURL = "";
  if (ctx.mode === "central") {
    if (c.gatewayURL === undefined) {
      missing(ctx, ["central", "gatewayURL"], undefined, "required in central mode: the URL at which clusters reach the host gateway, such as http://10.0.0.10:30990");
    } else {
      const checked = checkGatewayURL(c.gatewayURL);
      if ("message" in checked) report(ctx, ["central", "gatewayURL"], "invalid-value", checked.message);
      else gatewayURL = checked.url;
    }
  }
  const os = c.objectStorage ?? {};
  const secretName = os.secretName ?? "objectstorage";
  const key = os.key ?? "thanos.yaml";
  let source: ObjectStorageSource = { kind: "existingSecret" };
  if (os.source?.externalSecret !== undefined) {
    const es = os.source.externalSecret;
    source = { kind: "externalSecret", externalSecret: { ...es, apiVersion: es.apiVersion ?? "external-secrets.io/v1", refreshInterval: es.refreshInterval ?? "1h" } };
  } else if (os.source?.sealedSecret !== undefined) {
    source = { kind: "sealedSecret", file: asset(ctx, ["central", "objectStorage", "source", "sealedSecret", "file"], os.source.sealedSecret.file) };
  } else if (os.source?.sops !== undefined) {
    source = { kind: "sops", file: asset(ctx, ["central", "objectStorage", "source", "sops", "file"], os.source.sops.file) };
  } else if (ctx.mode === "central" && isHost && os.source?.existingSecret === undefined) {
    missing(ctx, ["central", "objectStorage", "source"], undefined, "required in central mode: where the object-storage Secret comes from (existingSecret, externalSecret, sealedSecret or sops)");
  }

  const storeName = c.store?.name ?? "longterm";
  const storeSpec = {
    ...c.store?.spec,
    objectStorageConfig: c.store?.spec?.objectStorageConfig ?? { name: secretName, key },
  };
  const ingestors = (c.ingestors ?? []).map((i) => ({
    name: i.name,
    namespace: i.namespace ?? ctx.namespace,
    spec: { ...i.spec, longTermStore: i.spec?.longTermStore ?? { namespace: ctx.namespace, name: storeName } },
  }));
  if (ctx.mode === "central" && isHost) {
    const seen = new Set<string>();
    ingestors.forEach((i, index) => {
      const id = `${i.namespace}/${i.name}`;
      if (seen.has(id)) report(ctx, ["central", "ingestors", index, "name"], "invalid-value", `ingestor "${i.name}" in namespace ${i.namespace} is listed twice`);
      seen.add(id);
    });
  }
  return {
    gatewayURL,
    serviceName: c.service?.name ?? "central",
    serviceSpec: c.service?.spec ?? {},
    store: { name: storeName, spec: storeSpec },
    ingestors,
    objectStorage: { secretName, key, source },
  };
}

/** The CR fragments after merging and templating, against the operator's schemas, with positions in the fleet. */
function validateCrSpecs(ctx: ClusterContext, central: CentralSettings, s: Settings): void {
  const check = (schema: string, value: unknown, settingPath: DocPath): void => {
    const validate = validatorFor(schema);
    if (validate(value)) return;
    const anchor = {
      base: [] as DocPath,
      issue: (p: DocPath, code: IssueCode, message: string, key: boolean) => {
        const o = origin(ctx, [...settingPath, ...p]);
        return issueAt(o.src, o.path, code, message, { key });
      },
    };
    ctx.issues.push(...ajvIssues(validate.errors, value, anchor));
  };
  const warn = (defects: readonly Defect[], settingPath: DocPath): void => {
    for (const d of defects) {
      const o = origin(ctx, [...settingPath, ...d.path]);
      ctx.issues.push(issueAt(o.src, o.path, "operator-defect", d.message, { severity: "warning" }));
    }
  };
  if (ctx.mode === "scattered") {
    const spec = s.scattered.service?.spec ?? {};
    check(CR_SPEC_SCHEMAS.service, spec, ["scattered", "service", "spec"]);
    warn(serviceDefects(spec), ["scattered", "service", "spec"]);
  } else {
    check(CR_SPEC_SCHEMAS.service, central.serviceSpec, ["central", "service", "spec"]);
    check(CR_SPEC_SCHEMAS.store, central.store.spec, ["central", "store", "spec"]);
    central.ingestors.forEach((i, index) => check(CR_SPEC_SCHEMAS.ingestor, i.spec, ["central", "ingestors", index, "spec"]));
    warn(serviceDefects(central.serviceSpec), ["central", "service", "spec"]);
    warn(storeDefects(central.store.spec), ["central", "store", "spec"]);
    central.ingestors.forEach((i, index) => warn(ingestorDefects(i.spec), ["central", "ingestors", index, "spec"]));
  }
}

/** A file named in the fleet: relative to the file that names it. Whether it stays in the project is checked when it is read. */
function asset(ctx: ClusterContext, settingPath: DocPath, file: string): Asset {
  const o = origin(ctx, settingPath);
  const abs = path.resolve(path.dirname(o.src.absPath), file);
  const shown = path.posix.join(path.posix.dirname(o.src.file), file.split(path.sep).join("/"));
  const { line, col } = positionOf(o.src, o.path);
  return { path: abs, display: shown, namedAt: { file: o.src.file, line, col, path: o.path } };
}

function resolveArgo(argo: NonNullable<NonNullable<FleetSpec["gitops"]>["argocd"]>, fleetSrc: SourceDoc, issues: Issue[]): ArgoSettings | null {
  if (argo.enabled === false) return null;
  if (argo.repoURL === undefined || argo.repoURL === "") {
    issues.push(issueAt(fleetSrc, ["spec", "gitops", "argocd", "repoURL"], "required-setting", "required to render the Argo CD ApplicationSet: the Git URL of this repository (or set gitops.argocd.enabled: false)"));
    return null;
  }
  return argo as ArgoSettings;
}

/** Template problems of the Fleet repeat for every cluster; report each once, naming the clusters it failed for. */
class TemplateProblems {
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
