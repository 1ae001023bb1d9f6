// Small valid objects that a test mutates into exactly one mistake.

type Json = Record<string, unknown>;

const podTemplate = (labels: Record<string, string>, extraSpec: Json = {}): Json => ({
  metadata: { labels },
  spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }], ...extraSpec },
});

/** A selector and the pod template it matches, for the kinds that own long-running pods. */
const selectedPods = (name: string): Json => ({
  selector: { matchLabels: { app: name } },
  template: podTemplate({ app: name }),
});

/** The template of a job's pods: jobs must not restart them with the pod default (Always). */
const jobPodTemplate = (): Json => podTemplate({}, { restartPolicy: "Never" });

function kruiseObject(kind: string, name: string, spec: Json, apiVersion = "apps.kruise.io/v1alpha1"): Json {
  return { apiVersion, kind, metadata: { name }, spec };
}

export function cloneSet(name: string, spec: Json = {}): Json {
  return kruiseObject("CloneSet", name, { replicas: 3, ...selectedPods(name), ...spec });
}

export function statefulSet(name: string, spec: Json = {}, apiVersion = "apps.kruise.io/v1beta1"): Json {
  return kruiseObject(
    "StatefulSet",
    name,
    { replicas: 3, serviceName: name, ...selectedPods(name), ...spec },
    apiVersion,
  );
}

export function broadcastJob(name: string, spec: Json = {}): Json {
  return kruiseObject("BroadcastJob", name, { template: jobPodTemplate(), ...spec });
}

export function advancedCronJob(name: string, spec: Json = {}): Json {
  return kruiseObject("AdvancedCronJob", name, {
    schedule: "*/5 * * * *",
    template: { jobTemplate: { spec: { template: jobPodTemplate() } } },
    ...spec,
  });
}

export function daemonSet(name: string, spec: Json = {}): Json {
  return kruiseObject("DaemonSet", name, { ...selectedPods(name), ...spec });
}

export function imagePullJob(name: string, spec: Json = {}): Json {
  return kruiseObject("ImagePullJob", name, { image: "nginx:1.25-alpine", ...spec });
}
