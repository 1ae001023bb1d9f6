import type { Pod } from "kubernetes-types/core/v1.js";

/** A pod shaped like one a Deployment creates: labels, owner, probes, env, resources, projected token volume. */
export function realisticPod(namespace: string, i: number): Pod {
  const hash = "7d9f8c6b5";
  return {
    metadata: {
      name: `web-${hash}-${i.toString(36).padStart(5, "0")}`,
      namespace,
      labels: {
        app: "web",
        "pod-template-hash": hash,
        tier: "frontend",
        team: "payments",
        version: "v1.14.2",
      },
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9090",
        "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z",
      },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: `web-${hash}`,
          uid: "5b1c1a8e-4f7e-4b8a-9d3c-2a7f0e6d1c90",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: `node-${i % 50}`,
      containers: [
        {
          name: "web",
          image: "registry.example.com/payments/web:v1.14.2",
          ports: [
            { name: "http", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
          ],
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            { name: "DB_HOST", value: "postgres.payments.svc.cluster.local" },
            { name: "FEATURE_FLAGS", value: "checkout-v2,fast-refunds" },
          ],
          resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 10 },
          volumeMounts: [{ name: "config", mountPath: "/etc/web" }],
        },
      ],
      volumes: [{ name: "config", configMap: { name: "web-config" } }],
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
        {
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ],
    },
  };
}

/** The status a kubelet reports for a running, ready pod. */
export function runningStatus(i: number): Pod["status"] {
  const t = "2025-01-01T00:00:00Z";
  return {
    phase: "Running",
    hostIP: `10.0.${i % 50}.1`,
    podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
    podIPs: [{ ip: `10.244.${(i >> 8) & 255}.${i & 255}` }],
    startTime: t,
    qosClass: "Burstable",
    conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map(
      (type) => ({
        type,
        status: "True",
        lastTransitionTime: t,
        lastProbeTime: null as unknown as string,
      }),
    ),
    containerStatuses: [
      {
        name: "web",
        image: "registry.example.com/payments/web:v1.14.2",
        imageID:
          "registry.example.com/payments/web@sha256:4f0b8c5e2d1a3b6c9e7f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
        containerID: `containerd://${i.toString(16).padStart(64, "0")}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: t } },
      },
    ],
  };
}
