import { join } from "node:path";
import type { ProcessSpec } from "../process/managed-process.ts";
import type { ClientRate } from "../types.ts";

/** The controllers tests and benchmarks rely on (names as kube-controller-manager v1.36 spells them). */
export const CONTROLLERS = [
  "garbage-collector-controller",
  "namespace-controller",
  "deployment-controller",
  "replicaset-controller",
  "statefulset-controller",
  "daemonset-controller",
  "job-controller",
];

export function controllerManagerSpec(
  binDir: string,
  workDir: string,
  kubeconfigPath: string,
  port: number,
  rate?: ClientRate,
): ProcessSpec {
  return {
    name: "kube-controller-manager",
    binary: join(binDir, "kube-controller-manager"),
    logPath: join(workDir, "kube-controller-manager.log"),
    args: [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      `--controllers=${CONTROLLERS.join(",")}`,
      "--use-service-account-credentials=false",
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      ...(rate ? [`--kube-api-qps=${rate.qps}`, `--kube-api-burst=${rate.burst}`] : []),
      "--v=1",
    ],
  };
}
