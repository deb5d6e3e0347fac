import type { OperatorSettings } from "../resolve/model.js";
import { MANAGED_BY, withWave, WAVE, type K8sObject } from "./objects.js";

/**
 * The paodin operator on the host: its CRDs (rendered from our schemas by plan/crds.ts),
 * a ServiceAccount, the RBAC its controllers need, leader election, and the controller
 * Deployment with the image the Fleet pins. No Namespace object: KubeSphere owns
 * kubesphere-monitoring-system, and a GitOps engine could otherwise prune it.
 */
export const OPERATOR_NAME = "paodin-controller-manager";
const LABELS = { ...MANAGED_BY, "app.kubernetes.io/name": "paodin", "app.kubernetes.io/component": "controller-manager" };
const SELECTOR = { "app.kubernetes.io/name": "paodin", "app.kubernetes.io/component": "controller-manager" };
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
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta("paodin-manager", false), rules: MANAGER_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta("paodin-manager", false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "paodin-manager" },
      subjects: subject,
    },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta("paodin-leader-election", true), rules: LEADER_ELECTION_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta("paodin-leader-election", true),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "paodin-leader-election" },
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
