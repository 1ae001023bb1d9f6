import { join } from "node:path";
import type { ProcessSpec } from "../process/managed-process.ts";

export function schedulerSpec(
  binDir: string,
  workDir: string,
  kubeconfigPath: string,
  port: number,
  benchmarkMode: boolean,
): ProcessSpec {
  const args = [
    `--kubeconfig=${kubeconfigPath}`,
    `--authentication-kubeconfig=${kubeconfigPath}`,
    `--authorization-kubeconfig=${kubeconfigPath}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
    `--secure-port=${port}`,
    "--v=1",
  ];
  // At the default 50 QPS binding 1,000 pods takes 20 s and the scheduler, not the code under test, is measured.
  if (benchmarkMode) args.push("--kube-api-qps=500", "--kube-api-burst=1000");
  return {
    name: "kube-scheduler",
    binary: join(binDir, "kube-scheduler"),
    logPath: join(workDir, "kube-scheduler.log"),
    args,
  };
}
