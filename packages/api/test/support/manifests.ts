// Small valid objects that a test mutates into exactly one mistake.

type Json = Record<string, unknown>;

const podTemplate = (labels: Record<string, string>, extraSpec: Json = {}): Json => ({
  metadata: { labels },
  spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }], ...extraSpec },
});

export function cloneSet(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...spec,
    },
  };
}

export function statefulSet(name: string, spec: Json = {}, apiVersion = "apps.kruise.io/v1beta1"): Json {
  return {
    apiVersion,
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...spec,
    },
  };
}

export function broadcastJob(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "BroadcastJob",
    metadata: { name },
    spec: { template: podTemplate({}, { restartPolicy: "Never" }), ...spec },
  };
}

export function advancedCronJob(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "AdvancedCronJob",
    metadata: { name },
    spec: {
      schedule: "*/5 * * * *",
      template: { jobTemplate: { spec: { template: podTemplate({}, { restartPolicy: "Never" }) } } },
      ...spec,
    },
  };
}

export function daemonSet(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "DaemonSet",
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }), ...spec },
  };
}

export function imagePullJob(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "ImagePullJob",
    metadata: { name },
    spec: { image: "nginx:1.25-alpine", ...spec },
  };
}
