import type { OperatorSettings } from "../resolve/model.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

/**
 * The paodin operator on the host: its CRDs (rendered from our schemas by plan/crds.ts),
 * a ServiceAccount, the RBAC its controllers need, leader election, and the controller
 * Deployment with the image the Fleet pins. No Namespace object: KubeSphere owns
 * kubesphere-monitoring-system, and a GitOps engine could otherwise prune it.
 */
export const OPERATOR_NAME = "paodin-controller-manager";
/**
 * The names and the selector of the operator's own install bundle (config/bundle.yaml at
 * 5ddb346, the manual's install), so that a cluster installed by hand is adopted in place:
 * a Deployment's selector is immutable, and other RBAC names would grant the same rights
 * twice. test/operator-adoption.test.ts holds them to the bundle.
 */
export const BUNDLE_NAMES = {
  managerRole: "paodin-manager-role",
  managerRoleBinding: "paodin-manager-rolebinding",
  leaderElectionRole: "paodin-leader-election-role",
  leaderElectionRoleBinding: "paodin-leader-election-rolebinding",
} as const;
/**
 * What the bundle installs that the fleet does not render: the kube-rbac-proxy that guards
 * the metrics endpoint (the fleet's controller serves metrics on 127.0.0.1 only), its RBAC,
 * and a manager ConfigMap that the bundle's own Deployment does not mount. Nothing prunes them
 * on adoption (no GitOps engine tracks them): the README says how to delete them. The
 * Namespace stays; KubeSphere owns it.
 */
export const BUNDLE_LEFTOVERS = [
  { kind: "Namespace", resource: "namespace", name: "kubesphere-monitoring-system" },
  { kind: "ClusterRole", resource: "clusterrole", name: "paodin-metrics-reader" },
  { kind: "ClusterRole", resource: "clusterrole", name: "paodin-proxy-role" },
  { kind: "ClusterRoleBinding", resource: "clusterrolebinding", name: "paodin-proxy-rolebinding" },
  { kind: "ConfigMap", resource: "configmap", name: "paodin-manager-config", namespace: "kubesphere-monitoring-system" },
  { kind: "Service", resource: "service", name: "paodin-controller-manager-metrics-service", namespace: "kubesphere-monitoring-system" },
] as const;
const SELECTOR = { app: OPERATOR_NAME, "control-plane": "controller-manager" };
const LABELS = { ...MANAGED_BY, ...SELECTOR };
const ALL = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** What the controllers create and watch: workloads and Services for each Thanos component, plus the paodin kinds. */
export const MANAGER_RULES = [
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ALL },
  { apiGroups: [""], resources: ["configmaps", "serviceaccounts", "services"], verbs: ALL },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ALL },
  { apiGroups: ["monitoring.paodin.io"], resources: ["services", "stores", "thanosreceiveingestors"], verbs: ALL },
  { apiGroups: ["monitoring.paodin.io"], resources: ["services/finalizers", "stores/finalizers", "thanosreceiveingestors/finalizers"], verbs: ["update"] },
  { apiGroups: ["monitoring.paodin.io"], resources: ["services/status", "stores/status", "thanosreceiveingestors/status"], verbs: ["get", "patch", "update"] },
];

const LEADER_ELECTION_RULES = [
  { apiGroups: [""], resources: ["configmaps"], verbs: ALL },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ALL },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
];

export function operatorObjects(op: OperatorSettings): K8sObject[] {
  const ns = op.namespace;
  const meta = (name: string, namespaced: boolean) => ({
    name,
    ...(namespaced ? { namespace: ns } : {}),
    labels: { ...LABELS },
    annotations: withWave(WAVE.operator),
  });
  const subject = [{ kind: "ServiceAccount", name: OPERATOR_NAME, namespace: ns }];
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(OPERATOR_NAME, true) },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta(BUNDLE_NAMES.managerRole, false), rules: MANAGER_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(BUNDLE_NAMES.managerRoleBinding, false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: BUNDLE_NAMES.managerRole },
      subjects: subject,
    },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(BUNDLE_NAMES.leaderElectionRole, true), rules: LEADER_ELECTION_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(BUNDLE_NAMES.leaderElectionRoleBinding, true),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: BUNDLE_NAMES.leaderElectionRole },
      subjects: subject,
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(OPERATOR_NAME, true),
      spec: {
        replicas: op.replicas,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            terminationGracePeriodSeconds: 10,
            securityContext: { runAsNonRoot: true },
            containers: [
              {
                name: "manager",
                image: op.image,
                imagePullPolicy: op.imagePullPolicy,
                command: ["/manager"],
                args: ["--health-probe-bind-address=:8081", "--metrics-bind-address=127.0.0.1:8080", "--leader-elect"],
                livenessProbe: { httpGet: { path: "/healthz", port: 8081 }, initialDelaySeconds: 15, periodSeconds: 20 },
                readinessProbe: { httpGet: { path: "/readyz", port: 8081 }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: { limits: { cpu: "200m", memory: "256Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false },
              },
            ],
          },
        },
      },
    },
  ];
}
