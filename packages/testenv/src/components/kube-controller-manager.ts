import { join } from "node:path";
import { serviceAccountKeyPaths } from "../credentials.ts";
import type { ProcessSpec } from "../process/managed-process.ts";
import type { ClientRate } from "../types.ts";

/**
 * The controllers a cluster has that tests, benchmarks and real nodes rely on (names as
 * kube-controller-manager v1.36 spells them): workloads, the garbage collector, ServiceAccounts and
 * their tokens, volumes (binder with the host-path provisioner,
 * PVC/PV protection), node lifecycle (lifts the not-ready taint, marks a silent node Unknown) and
 * EndpointSlices (what kube-proxy reads).
 */
export const CONTROLLERS = [
  "garbage-collector-controller",
  "namespace-controller",
  "deployment-controller",
  "replicaset-controller",
  "statefulset-controller",
  "daemonset-controller",
  "job-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "persistentvolume-binder-controller",
  "persistentvolume-protection-controller",
  "persistentvolumeclaim-protection-controller",
  "node-lifecycle-controller",
  "endpointslice-controller",
];

/** With pods that reach the API server: every namespace gets the kube-root-ca.crt ConfigMap they mount. */
export const IN_CLUSTER_CONTROLLERS = ["root-ca-certificate-publisher-controller"];

export interface ControllerManagerConfig {
  binDir: string;
  workDir: string;
  kubeconfigPath: string;
  port: number;
  /** The API server's CA bundle: the token controller's ca.crt and the published kube-root-ca.crt. */
  rootCaFile: string;
  /** Pods really run and read the API (real nodes): publish kube-root-ca.crt too. */
  inCluster: boolean;
  rate?: ClientRate;
}

/** Where the binder's host-path provisioner creates volumes (kube-controller-manager's own choice). */
export const HOSTPATH_PV_ROOT = "/tmp/hostpath_pv";

export function controllerManagerSpec(config: ControllerManagerConfig): ProcessSpec {
  const { binDir, workDir, kubeconfigPath, port, rate } = config;
  const controllers = config.inCluster ? [...CONTROLLERS, ...IN_CLUSTER_CONTROLLERS] : CONTROLLERS;
  return {
    name: "kube-controller-manager",
    binary: join(binDir, "kube-controller-manager"),
    logPath: join(workDir, "kube-controller-manager.log"),
    args: [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      `--controllers=${controllers.join(",")}`,
      `--service-account-private-key-file=${serviceAccountKeyPaths(workDir).privateKey}`,
      `--root-ca-file=${config.rootCaFile}`,
      // A real dynamic provisioner: the binder makes a directory per claim under HOSTPATH_PV_ROOT, which
      // every node of this host (simulated or real) can mount.
      "--enable-hostpath-provisioner=true",
      "--use-service-account-credentials=false",
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      ...(rate ? [`--kube-api-qps=${rate.qps}`, `--kube-api-burst=${rate.burst}`] : []),
      "--v=1",
    ],
  };
}
