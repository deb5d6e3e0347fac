import { readFileSync } from "node:fs";
import path from "node:path";
import type { AnySchemaObject } from "ajv";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { formatIssue, formatPath } from "../src/diagnostics/format.js";
import { FleetError, type Issue } from "../src/diagnostics/issue.js";
import { renderFleet } from "../src/pipeline.js";
import { exampleFleet, REPO, testdir } from "./helpers/cli.js";
import { withNodeAddresses } from "./helpers/variants.js";

/**
 * The override audit: every field a Cluster's `spec.overrides` can hold, on the host and on a
 * member, in each mode, either changes what the render produces (its files, or its errors) or
 * is reported as a warning at its key, saying why it cannot. Nothing is ignored in silence.
 *
 * Each row overrides one field on one cluster of the example fleet and renders it twice, with
 * and without the field (both with the row's context). `effect`: the outcomes differ and no
 * override is reported. Otherwise the outcomes are identical and a warning at the field (or
 * the key above it that the cluster does not use) says why, with file, line and column.
 */

type Mode = "central" | "scattered";
type Role = "host" | "member";
type Expect = "effect" | { warn: string };
type Column = readonly [central_host: Expect, central_member: Expect, scattered_host: Expect, scattered_member: Expect];

interface Row {
  /** The overridden field, as a path under spec.overrides. */
  readonly field: string;
  /** Its value (for the member or the host: some values name a file per role). */
  readonly value: unknown | ((role: Role) => unknown);
  /** Overrides that both renders share, so that the field's own effect is what differs. */
  readonly context?: (role: Role) => Record<string, unknown>;
  /** An edit of the Fleet that both renders share. */
  readonly fleet?: (text: string) => string;
  /** An edit of every file that both renders share (before the override is added). */
  readonly files?: (files: Record<string, string>) => Record<string, string>;
  readonly expect: Column;
}

const E = "effect" as const;
const w = (warn: string) => ({ warn });
const HOST_ONLY = (what: string): Column => [E, w(`on a member in central mode: ${what} on the host only`), E, w(`on a member in scattered mode: ${what} on the host only`)];
const OPERATOR = HOST_ONLY("the operator is installed");
const ALL: Column = [E, E, E, E];
const SCATTERED_ONLY = (why: string): Column => [w(`on a host in central mode: ${why}`), w(`on a member in central mode: ${why}`), E, E];
const NOT_CENTRAL = "the central settings are used in central mode only";
const NOT_SCATTERED = "the scattered settings are used in scattered mode only";
const CENTRAL_HOST = (what: string): Column => [E, w(`on a member in central mode: ${what} on the host only`), w(`on a host in scattered mode: ${NOT_CENTRAL}`), w(`on a member in scattered mode: ${NOT_CENTRAL}`)];
const CENTRAL_EXPOSURE = "in central mode only the host's gateway is exposed";
const SCATTERED_EXPOSURE = "in scattered mode only the members' Thanos sidecars are exposed";
const NOT_IN_CENTRAL_KS = "the ks-apiserver monitoring endpoint is set in central mode only";

const SOURCE = (): Record<string, unknown> => ({
  secretStoreRef: { name: "vault" },
  config: { type: "S3", config: { bucket: "thanos-storage", region: "sh1a", endpoint: "s3.sh1a.qingstor.com" } },
  credentials: { access_key: { key: "monitoring/objectstorage", property: "access_key" }, secret_key: { key: "monitoring/objectstorage", property: "secret_key" } },
});
const externalSecret = (edit: (s: Record<string, unknown>) => void) => {
  const s = SOURCE();
  edit(s);
  return { externalSecret: s };
};
/** The gateway behind an https:// URL, where remote-write TLS settings apply. */
const HTTPS_GATEWAY = (t: string) => t.replace('gatewayURL: "http://', 'gatewayURL: "https://');
const OBJECT_STORAGE_SOURCE = CENTRAL_HOST("object storage is used");
const kubesphereBase = (role: Role) => `../kubesphere/${role}.yaml`;

/** Every leaf field of ClusterOverrides, and the conditions under which some cannot take effect. */
const ROWS: readonly Row[] = [
  { field: "operator.install", value: false, expect: OPERATOR },
  { field: "operator.image", value: "registry.example.com/platform/paodin-controller-manager:v2", expect: OPERATOR },
  {
    field: "operator.allowUnpinnedImage",
    value: true,
    fleet: (t) => t.replace("paodin-controller-manager:build-of-fdb79a7", "paodin-controller-manager:latest"),
    expect: OPERATOR,
  },
  { field: "operator.imagePullPolicy", value: "Always", expect: OPERATOR },
  { field: "operator.namespace", value: "paodin-system", expect: OPERATOR },
  { field: "operator.replicas", value: 2, expect: OPERATOR },
  { field: "prometheus.name", value: "k8s-custom", expect: ALL },
  { field: "prometheus.namespace", value: "monitoring", expect: ALL },
  { field: "prometheus.externalLabel", value: "cluster_name", expect: SCATTERED_ONLY("the external label is set in scattered mode only") },
  { field: "prometheus.thanos.image", value: "quay.io/thanos/thanos:v0.30.2", expect: SCATTERED_ONLY("the Thanos sidecar runs in scattered mode only") },
  { field: "prometheus.thanos.version", value: "v0.30.2", expect: SCATTERED_ONLY("the Thanos sidecar runs in scattered mode only") },
  { field: "exposure.type", value: "LoadBalancer", expect: [E, w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), E] },
  {
    field: "exposure.gatewayNodePort",
    value: 31990,
    expect: [E, w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), w("on a member in scattered mode: the gateway is exposed in central mode only")],
  },
  {
    field: "exposure.sidecarNodePort",
    value: 31901,
    expect: [w("on a host in central mode: the Thanos sidecars are exposed in scattered mode only"), w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), E],
  },
  { field: "exposure.annotations", value: { "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8" }, expect: [E, w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), E] },
  { field: "exposure.sourceRanges", value: ["192.168.0.0/24"], expect: [E, w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), E] },
  { field: "exposure.restrictToFleet", value: true, files: withNodeAddresses, expect: [E, w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), E] },
  ...(["caSecret", "certSecret", "keySecret"] as const).flatMap((secret) =>
    (["name", "key"] as const).map((leaf) => ({
      field: `central.remoteWriteTLS.${secret}.${leaf}`,
      value: leaf === "name" ? "gateway-tls-other" : "other.crt",
      fleet: HTTPS_GATEWAY,
      context: () => ({ central: { remoteWriteTLS: { caSecret: { name: "gateway-ca", key: "ca.crt" }, certSecret: { name: "client", key: "tls.crt" }, keySecret: { name: "client", key: "tls.key" } } } }),
      expect: [E, E, w(`on a host in scattered mode: ${NOT_CENTRAL}`), w(`on a member in scattered mode: ${NOT_CENTRAL}`)] as Column,
    })),
  ),
  { field: "central.remoteWriteTLS.serverName", value: "gateway.example.com", fleet: HTTPS_GATEWAY, expect: [E, E, w(`on a host in scattered mode: ${NOT_CENTRAL}`), w(`on a member in scattered mode: ${NOT_CENTRAL}`)] },
  {
    field: "scattered.service.name",
    value: "query",
    expect: [w(`on a host in central mode: ${NOT_SCATTERED}`), w(`on a member in central mode: ${NOT_SCATTERED}`), E, w("on a member in scattered mode: the query Service runs on the host only")],
  },
  {
    field: "scattered.service.spec",
    value: { thanos: { query: { replicaLabelNames: ["prometheus_replica", "replica"] } } },
    expect: [w(`on a host in central mode: ${NOT_SCATTERED}`), w(`on a member in central mode: ${NOT_SCATTERED}`), E, w("on a member in scattered mode: the query Service runs on the host only")],
  },
  {
    field: "scattered.sidecarAddress",
    value: "10.9.9.9:30901",
    expect: [
      w(`on a host in central mode: ${NOT_SCATTERED}`),
      w(`on a member in central mode: ${NOT_SCATTERED}`),
      w("on a host in scattered mode: the host reaches its own sidecar through prometheus-operated:10901"),
      E,
    ],
  },
  { field: "central.gatewayURL", value: "http://10.0.0.99:30990", expect: [E, E, w(`on a host in scattered mode: ${NOT_CENTRAL}`), w(`on a member in scattered mode: ${NOT_CENTRAL}`)] },
  { field: "central.service.name", value: "gateway", expect: CENTRAL_HOST("the gateway Service runs") },
  { field: "central.service.spec", value: { defaultTenantId: "other" }, expect: CENTRAL_HOST("the gateway Service runs") },
  { field: "central.store.name", value: "archive", expect: CENTRAL_HOST("the Store runs") },
  { field: "central.store.spec", value: { thanos: { compact: { logLevel: "debug" } } }, expect: CENTRAL_HOST("the Store runs") },
  { field: "central.ingestors", value: [{ name: "hard", spec: { tenants: ["member-1"], replicas: 1 } }], expect: CENTRAL_HOST("the ingestors run") },
  { field: "central.objectStorage.secretName", value: "thanos-objectstorage", expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.key", value: "objstore.yaml", expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.existingSecret", value: {}, expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.apiVersion", value: () => externalSecret((s) => (s.apiVersion = "external-secrets.io/v1beta1")), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.secretStoreRef.name", value: () => externalSecret((s) => (s.secretStoreRef = { name: "openbao" })), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.secretStoreRef.kind", value: () => externalSecret((s) => (s.secretStoreRef = { name: "vault", kind: "SecretStore" })), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.refreshInterval", value: () => externalSecret((s) => (s.refreshInterval = "5m")), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.config.type", value: () => externalSecret((s) => ((s.config as Record<string, unknown>).type = "COS")), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.config.config", value: () => externalSecret((s) => ((s.config as Record<string, unknown>).config = { bucket: "other" })), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.config.prefix", value: () => externalSecret((s) => ((s.config as Record<string, unknown>).prefix = "fleet")), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.externalSecret.credentials", value: () => externalSecret((s) => (s.credentials = { access_key: { key: "k/a" }, secret_key: { key: "k/s" } })), expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.sealedSecret.file", value: { sealedSecret: { file: "../secrets/objectstorage.sealed.yaml" } }, expect: OBJECT_STORAGE_SOURCE },
  { field: "central.objectStorage.source.sops.file", value: { sops: { file: "../secrets/objectstorage.sops.yaml" } }, expect: OBJECT_STORAGE_SOURCE },
  {
    field: "kubesphere.strategy",
    value: "configMap",
    context: (role) => ({ kubesphere: { base: kubesphereBase(role) } }),
    expect: [E, E, w(`on a host in scattered mode: ${NOT_IN_CENTRAL_KS}`), w(`on a member in scattered mode: ${NOT_IN_CENTRAL_KS}`)],
  },
  {
    field: "kubesphere.base",
    value: kubesphereBase,
    context: () => ({ kubesphere: { strategy: "configMap" } }),
    expect: [E, E, w(`on a host in scattered mode: ${NOT_IN_CENTRAL_KS}`), w(`on a member in scattered mode: ${NOT_IN_CENTRAL_KS}`)],
  },
  {
    // Tells the fleet how the cluster is set up: no output of its own, a warning where it matters.
    field: "kubesphere.alerting",
    value: true,
    expect: [w("ks-installer points KubeSphere alerting at the gateway too"), w("ks-installer points KubeSphere alerting at the gateway too"), w(`on a host in scattered mode: ${NOT_IN_CENTRAL_KS}`), w(`on a member in scattered mode: ${NOT_IN_CENTRAL_KS}`)],
  },
];

/** Fields used by role and mode whose effect depends on other settings: reported when those rule them out. */
const CONDITIONAL_ROWS: readonly Row[] = [
  ...(["image", "imagePullPolicy", "namespace", "replicas"] as const).map((f) => ({
    field: `operator.${f}`,
    value: ROWS.find((r) => r.field === `operator.${f}`)!.value,
    context: () => ({ operator: { install: false } }),
    expect: [w(" while operator.install is false: the operator is not rendered"), w("operator is installed on the host only"), w(" while operator.install is false: the operator is not rendered"), w("operator is installed on the host only")] as Column,
  })),
  {
    // In central mode it still allows an unpinned gateway image.
    field: "operator.allowUnpinnedImage",
    value: true,
    context: () => ({ operator: { install: false } }),
    fleet: (t) => t.replace("paodin-monitoring-gateway:build-of-fdb79a7", "paodin-monitoring-gateway:latest"),
    expect: [E, w("operator is installed on the host only"), w(" while operator.install is false: the operator is not rendered"), w("operator is installed on the host only")],
  },
  {
    field: "exposure.gatewayNodePort",
    value: 31990,
    context: () => ({ exposure: { type: "LoadBalancer" } }),
    expect: [w(" with exposure.type LoadBalancer: node ports are used with NodePort only"), w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), w("the gateway is exposed in central mode only")],
  },
  {
    field: "exposure.sidecarNodePort",
    value: 31901,
    context: () => ({ exposure: { type: "None" } }),
    expect: [w("the Thanos sidecars are exposed in scattered mode only"), w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), w(" with exposure.type None: node ports are used with NodePort only")],
  },
  {
    field: "exposure.annotations",
    value: { a: "b" },
    context: () => ({ exposure: { type: "None" } }),
    expect: [w(" with exposure.type None: no exposing Service is rendered"), w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), w(" with exposure.type None: no exposing Service is rendered")],
  },
  ...(["sourceRanges", "restrictToFleet"] as const).map((f) => ({
    field: `exposure.${f}`,
    value: ROWS.find((r) => r.field === `exposure.${f}`)!.value,
    context: () => ({ exposure: { type: "None" } }),
    expect: [w(" with exposure.type None: no exposing Service is rendered"), w(CENTRAL_EXPOSURE), w(SCATTERED_EXPOSURE), w(" with exposure.type None: no exposing Service is rendered")] as Column,
  })),
  {
    field: "kubesphere.base",
    value: kubesphereBase,
    expect: [w(" with kubesphere.strategy clusterConfiguration: a base is read with configMap only"), w(" with kubesphere.strategy clusterConfiguration: a base is read with configMap only"), w(NOT_IN_CENTRAL_KS), w(NOT_IN_CENTRAL_KS)],
  },
  ...(["secretName", "key"] as const).map((f) => ({
    field: `central.objectStorage.${f}`,
    value: ROWS.find((r) => r.field === `central.objectStorage.${f}`)!.value,
    context: () => ({ central: { objectStorage: { source: { existingSecret: {} } }, store: { spec: { objectStorageConfig: { name: "objectstorage", key: "thanos.yaml" } } } } }),
    expect: [w(" with source existingSecret and central.store.spec.objectStorageConfig set: the Secret exists already and the Store names it, so nothing reads this"), w("object storage is used on the host only"), w(NOT_CENTRAL), w(NOT_CENTRAL)] as Column,
  })),
  {
    // A mapping merges key by key: `{}` cannot take the Fleet's gateway image away.
    field: "central.service.spec.gateway",
    value: {},
    expect: [w(": an empty mapping merges nothing (mappings merge key by key), so it cannot remove what the Fleet or a default sets here (image)"), w("the gateway Service runs on the host only"), w(NOT_CENTRAL), w(NOT_CENTRAL)],
  },
  {
    // The same alternative merges key by key: a full externalSecret over the Fleet's, with another refresh interval.
    field: "central.objectStorage.source.externalSecret",
    value: () => externalSecret((s) => (s.refreshInterval = "10m")).externalSecret,
    expect: OBJECT_STORAGE_SOURCE,
  },
];

const COLUMNS: readonly (readonly [Mode, Role])[] = [
  ["central", "host"],
  ["central", "member"],
  ["scattered", "host"],
  ["scattered", "member"],
];

const SEALED = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: objectstorage\n  namespace: kubesphere-monitoring-system\nspec:\n  encryptedData:\n    thanos.yaml: ${"AgB".padEnd(120, "x")}\n  template:\n    metadata:\n      name: objectstorage\n      namespace: kubesphere-monitoring-system\n`;
const SOPS =
  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: objectstorage\n  namespace: kubesphere-monitoring-system\ntype: Opaque\ndata:\n  thanos.yaml: ENC[AES256_GCM,data:dGhhbm9z,iv:aXY=,tag:dGFn,type:str]\nsops:\n  age:\n  - recipient: age1qz\n    enc: |\n      -----BEGIN AGE ENCRYPTED FILE-----\n      YWdl\n      -----END AGE ENCRYPTED FILE-----\n  lastmodified: \"2026-01-01T00:00:00Z\"\n  mac: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\n  version: 3.9.0\n";
const kubesphereYaml = (role: Role) =>
  `authentication:\n  jwtSecret: "example-jwt-secret-of-this-cluster"\nmonitoring:\n  endpoint: http://prometheus-operated.kubesphere-monitoring-system.svc:9090\nmulticluster:\n  enable: true\n  clusterRole: ${role}\n`;

/** The example fleet in `mode`, with `overrides` on the host or on member-1, and the files the rows name. */
function fleetFiles(
  mode: Mode,
  role: Role,
  overrides: Record<string, unknown>,
  fleetEdit: (t: string) => string = (t) => t,
  filesEdit: (f: Record<string, string>) => Record<string, string> = (f) => f,
): Record<string, string> {
  const files = filesEdit(exampleFleet());
  files["clusters/fleet.yaml"] = fleetEdit(files["clusters/fleet.yaml"]!.replace("mode: central", `mode: ${mode}`));
  const block = Object.keys(overrides).length === 0 ? "" : indent(stringify({ overrides }), "  ");
  if (role === "host") files["clusters/host.yaml"] += block;
  else {
    const anchor = "    server: https://10.0.1.10:6443\n";
    expect(files["clusters/members.yaml"]).toContain(anchor);
    files["clusters/members.yaml"] = files["clusters/members.yaml"]!.replace(anchor, anchor + block);
  }
  files["secrets/objectstorage.sealed.yaml"] = SEALED;
  files["secrets/objectstorage.sops.yaml"] = SOPS;
  files["kubesphere/host.yaml"] = kubesphereYaml("host");
  files["kubesphere/member.yaml"] = kubesphereYaml("member");
  return files;
}

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : pad + l))
    .join("\n");
}

interface Outcome {
  /** The rendered files, or the errors. */
  readonly result: string;
  readonly warnings: readonly Issue[];
  readonly texts: Record<string, string>;
}

async function outcome(files: Record<string, string>): Promise<Outcome> {
  const { dir, cleanup } = testdir(files);
  try {
    const r = await renderFleet({ cwd: dir, clustersDir: "clusters", skipOutputValidation: true });
    return { result: r.files.map((f) => `${f.path}\n${f.content}`).join("\n"), warnings: r.warnings, texts: files };
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    const errors = e.issues.filter((i) => i.severity === "error");
    return { result: `errors:\n${errors.map((i) => formatIssue(i)).join("\n")}`, warnings: e.issues.filter((i) => i.severity === "warning"), texts: files };
  } finally {
    cleanup();
  }
}

function setIn(target: Record<string, unknown>, p: readonly string[], value: unknown): Record<string, unknown> {
  const out = structuredClone(target);
  let cur = out;
  for (const seg of p.slice(0, -1)) cur = (cur[seg] ??= {}) as Record<string, unknown>;
  const last = p[p.length - 1]!;
  const existing = cur[last];
  cur[last] = isObject(existing) && isObject(value) && Object.keys(value).length > 0 ? { ...existing, ...value } : value;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The value a row writes: for a field inside one of the source's alternatives, the whole source (`{externalSecret: {…}}`). */
function rowOverride(row: Row, role: Role): Record<string, unknown> {
  const value = typeof row.value === "function" ? (row.value as (r: Role) => unknown)(role) : row.value;
  const parts = row.field.split(".");
  const sourceAt = parts.indexOf("source");
  if (sourceAt >= 0 && parts.length > sourceAt + 2) return setIn(row.context?.(role) ?? {}, parts.slice(0, sourceAt + 1), value);
  return setIn(row.context?.(role) ?? {}, parts, value);
}

const cache = new Map<string, Promise<Outcome>>();
const cached = (files: Record<string, string>): Promise<Outcome> => {
  const key = JSON.stringify(files);
  let hit = cache.get(key);
  if (hit === undefined) cache.set(key, (hit = outcome(files)));
  return hit;
};

async function audit(row: Row, mode: Mode, role: Role): Promise<string> {
  const file = role === "host" ? "clusters/host.yaml" : "clusters/members.yaml";
  const without = await cached(fleetFiles(mode, role, row.context?.(role) ?? {}, row.fleet, row.files));
  const withField = await cached(fleetFiles(mode, role, rowOverride(row, role), row.fleet, row.files));
  const fieldPath = ["spec", "overrides", ...row.field.split(".")];
  const about = (i: Issue) => i.code === "unused-setting" && i.file === file && i.path !== undefined && fieldPath.join(".").startsWith(i.path.join("."));
  const before = without.warnings.filter(about).map((i) => formatIssue(i));
  const reported = withField.warnings.filter(about);
  if (withField.result !== without.result) {
    // It renders: a difference that is only a new error is not an override taking effect.
    expect(withField.result, `${row.field} on a ${role} in ${mode} mode`).not.toMatch(/^errors:/);
    expect(reported.map((i) => formatIssue(i)).filter((i) => !before.includes(i)), `${row.field} takes effect, and is not reported`).toEqual([]);
    return "effect";
  }
  // The most precise report that covers the field: its own, or that of the key above it that the cluster does not use.
  const warning = reported.sort((a, b) => b.path!.length - a.path!.length)[0];
  expect(warning, `${row.field} on a ${role} in ${mode} mode changes nothing, so it must be reported`).toBeDefined();
  // Placed at the key, in the cluster's own file.
  const line = withField.texts[file]!.split("\n")[warning!.line! - 1]!;
  expect(line.slice(warning!.col! - 1)).toMatch(new RegExp(`^${String(warning!.path!.at(-1))}:`));
  return formatIssue(warning!);
}

/** The leaf fields of ClusterOverrides, from the schema: every property, down to operator CR specs, lists and free-form maps. */
function schemaLeaves(): string[] {
  const schema = JSON.parse(readFileSync(path.join(REPO, "schemas/paodin-fleet/fleet_v1alpha1.json"), "utf8")) as AnySchemaObject;
  const defs = schema.definitions as Record<string, AnySchemaObject>;
  const out: string[] = [];
  const walk = (node: AnySchemaObject, at: string[]): void => {
    const target = typeof node.$ref === "string" && node.$ref.startsWith("#/definitions/") ? defs[node.$ref.slice(14)]! : node;
    const props = target.properties as Record<string, AnySchemaObject> | undefined;
    if (typeof target.$ref === "string" || props === undefined || Object.keys(props).length === 0) {
      out.push(at.join("."));
      return;
    }
    for (const [k, p] of Object.entries(props)) walk(p, [...at, k]);
  };
  walk(defs.ClusterOverrides!, []);
  return out.sort();
}

describe("every override takes effect or says why not", () => {
  it("the table covers every field of ClusterOverrides in the schema", () => {
    expect(ROWS.map((r) => r.field).sort()).toEqual(schemaLeaves());
  });

  const table: string[] = [];
  for (const [kind, rows] of [
    ["field", ROWS],
    ["condition", CONDITIONAL_ROWS],
  ] as const) {
    it.each(rows.map((r) => [r.field + (r.context !== undefined ? ` with ${JSON.stringify(r.context("host"))}` : ""), r] as const))(`${kind}: %s`, async (_name, row) => {
      const cells: string[] = [];
      for (const [i, [mode, role]] of COLUMNS.entries()) {
        const got = await audit(row, mode, role);
        const want = row.expect[i]!;
        if (want === "effect") expect(got, `${row.field}, ${role}, ${mode}`).toBe("effect");
        else expect(got, `${row.field}, ${role}, ${mode}`).toContain(want.warn);
        cells.push(got === "effect" ? "effect" : got.replace(/^.*?: warning has no effect/, "warning: no effect"));
      }
      table.push(`${row.field}${row.context !== undefined ? ` (with ${formatPath(Object.keys(row.context("host")))}…)` : ""}\n  ${COLUMNS.map(([m, r], i) => `${m}/${r}: ${cells[i]}`).join("\n  ")}`);
    });
  }

  it("prints the audit (PRINT_AUDIT=1)", () => {
    if (process.env.PRINT_AUDIT === "1") console.log(table.join("\n"));
  });
});

describe("the host's object-storage source", () => {
  it("an override of another alternative replaces the Fleet's (issue 17: existingSecret over externalSecret)", async () => {
    const host = (source: Record<string, unknown>) => fleetFiles("central", "host", { central: { objectStorage: { source } } });
    const fleetOnly = await outcome(fleetFiles("central", "host", {}));
    expect(fleetOnly.result).toContain("externalsecret.external-secrets.io_kubesphere-monitoring-system_objectstorage.yaml");
    const existing = await outcome(host({ existingSecret: {} }));
    expect(existing.result).not.toMatch(/externalsecret|ExternalSecret/);
    expect(existing.warnings).toEqual([]);
    const sops = await outcome(host({ sops: { file: "../secrets/objectstorage.sops.yaml" } }));
    expect(sops.result).not.toContain("ExternalSecret");
    expect(sops.result).toContain("secret_kubesphere-monitoring-system_objectstorage.yaml");
  });
});
