// Built-in Kubernetes kinds, named once for every controller. The SDK knows Kubernetes' own kinds; it knows
// nothing about Kruise's, which @kruise/api describes.
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1.js";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type {
  ConfigMap,
  Event,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
} from "kubernetes-types/core/v1.js";
import type { Kind } from "../kind.ts";

const core = <T>(kind: string, plural: string, namespaced = true): Kind<T> => ({
  group: "",
  version: "v1",
  kind,
  plural,
  namespaced,
});

export const PodKind: Kind<Pod> = core("Pod", "pods");
export const NodeKind: Kind<Node> = core("Node", "nodes", false);
export const NamespaceKind: Kind<Namespace> = core("Namespace", "namespaces", false);
export const ConfigMapKind: Kind<ConfigMap> = core("ConfigMap", "configmaps");
export const SecretKind: Kind<Secret> = core("Secret", "secrets");
export const ServiceKind: Kind<Service> = core("Service", "services");
export const PersistentVolumeClaimKind: Kind<PersistentVolumeClaim> = core(
  "PersistentVolumeClaim",
  "persistentvolumeclaims",
);
/** core/v1 Event: what `kubectl describe` lists under "Events:". */
export const EventKind: Kind<Event> = core("Event", "events");
export const ControllerRevisionKind: Kind<ControllerRevision> = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  plural: "controllerrevisions",
  namespaced: true,
};
export const JobKind: Kind<Job> = {
  group: "batch",
  version: "v1",
  kind: "Job",
  plural: "jobs",
  namespaced: true,
};
/** coordination.k8s.io/v1 Lease: the object leader election competes for. */
export const LeaseKind: Kind<Lease> = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  namespaced: true,
};
/** admissionregistration.k8s.io/v1: where the API server learns which webhooks to call (cluster-scoped). */
export const MutatingWebhookConfigurationKind: Kind<MutatingWebhookConfiguration> = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "MutatingWebhookConfiguration",
  plural: "mutatingwebhookconfigurations",
  namespaced: false,
};
export const ValidatingWebhookConfigurationKind: Kind<ValidatingWebhookConfiguration> = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingWebhookConfiguration",
  plural: "validatingwebhookconfigurations",
  namespaced: false,
};
