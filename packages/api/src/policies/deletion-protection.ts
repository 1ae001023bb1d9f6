// OpenKruise's deletion protection (label policy.kruise.io/delete-protection), enforced by a
// ValidatingAdmissionPolicy instead of a webhook: the apiserver evaluates it itself, so deleting never depends
// on a reachable webhook. `Always` protects every kind OpenKruise protects: Namespaces, CRDs, Services,
// Ingresses, Deployments, ReplicaSets, StatefulSets and Kruise's workloads. `Cascading` forbids deleting a
// workload while its spec.replicas > 0; for a Namespace (active pods) or a CRD (existing objects) it needs a
// list of other objects, which a policy cannot do, so there it is left out (see VALIDATION.md).
import { DELETE_PROTECTION_LABEL } from "../constants/labels.ts";
import { GROUP } from "../schema/crd.ts";

export const DELETION_PROTECTION_POLICY_NAME = "kruise-deletion-protection";

/** The label's values: Always forbids deletion; Cascading forbids it while the workload still wants pods. */
export const DeleteProtection = { Always: "Always", Cascading: "Cascading" } as const;

const label = `oldObject.metadata.labels['${DELETE_PROTECTION_LABEL}']`;
const hasLabel = `has(oldObject.metadata.labels) && '${DELETE_PROTECTION_LABEL}' in oldObject.metadata.labels`;

export const deletionProtectionPolicy = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicy",
  metadata: { name: DELETION_PROTECTION_POLICY_NAME, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
  spec: {
    failurePolicy: "Fail",
    matchConstraints: {
      resourceRules: [
        {
          apiGroups: [GROUP],
          apiVersions: ["*"],
          operations: ["DELETE"],
          resources: ["clonesets", "statefulsets", "uniteddeployments"],
        },
        {
          apiGroups: [""],
          apiVersions: ["v1"],
          operations: ["DELETE"],
          resources: ["namespaces", "services"],
        },
        {
          apiGroups: ["apps"],
          apiVersions: ["v1"],
          operations: ["DELETE"],
          resources: ["deployments", "replicasets", "statefulsets"],
        },
        {
          apiGroups: ["networking.k8s.io"],
          apiVersions: ["v1"],
          operations: ["DELETE"],
          resources: ["ingresses"],
        },
        {
          apiGroups: ["apiextensions.k8s.io"],
          apiVersions: ["v1"],
          operations: ["DELETE"],
          resources: ["customresourcedefinitions"],
        },
      ],
    },
    validations: [
      {
        expression: `!(${hasLabel}) || ${label} != '${DeleteProtection.Always}'`,
        messageExpression: `'${DELETE_PROTECTION_LABEL}=${DeleteProtection.Always} forbids deleting ' + oldObject.kind + ' ' + oldObject.metadata.name + '; remove the label first'`,
        reason: "Forbidden",
      },
      {
        expression:
          `!(${hasLabel}) || ${label} != '${DeleteProtection.Cascading}' || ` +
          "!has(oldObject.spec) || !has(oldObject.spec.replicas) || oldObject.spec.replicas == 0",
        messageExpression: `'${DELETE_PROTECTION_LABEL}=${DeleteProtection.Cascading} forbids deleting ' + oldObject.kind + ' ' + oldObject.metadata.name + ' while spec.replicas is ' + string(oldObject.spec.replicas) + '; scale it to 0 first'`,
        reason: "Forbidden",
      },
    ],
  },
} as const;

export const deletionProtectionBinding = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicyBinding",
  metadata: { name: DELETION_PROTECTION_POLICY_NAME, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
  spec: { policyName: DELETION_PROTECTION_POLICY_NAME, validationActions: ["Deny"] },
} as const;
