/**
 * The defaults OpenKruise's webhook gives a CloneSet (or Advanced StatefulSet) pod template, applied in
 * memory so that nothing on the apply path needs a webhook: Kubernetes' PodSpec, container, probe,
 * handler, field-reference, resource and volume defaults, and `imagePullPolicy: Always` for app containers
 * that set none (init containers default by their tag, as Kubernetes does).
 *
 * Guarantees: idempotent; applying it to a template OpenKruise already defaulted changes nothing, so an
 * adopted CloneSet keeps its revision hash. The input is not modified.
 * Caveats: image volumes' pull policy is not defaulted (OpenKruise's Kubernetes version leaves it alone);
 * host-network port defaulting (gate DefaultHostNetworkHostPortsInPodTemplates, off) is not applied.
 */
import type {
  Container,
  PersistentVolumeClaim,
  PodSpec,
  PodTemplateSpec,
  Probe,
  Volume,
} from "kubernetes-types/core/v1.js";
import { cloneJson } from "../util/json.ts";
import { canonicalQuantity } from "./quantity.ts";

type Json = Record<string, unknown>;

function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === "" || v === 0;
}

function setIfUnset(obj: Json, key: string, value: unknown): void {
  if (isUnset(obj[key])) obj[key] = value;
}

function setIfNil(obj: Json, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === "object") : [];
}

function child(obj: Json, key: string): Json | undefined {
  const v = obj[key];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The tag Kubernetes' image parser sees: "latest" with neither tag nor digest. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(":");
  const tag = colon > name.lastIndexOf("/") ? name.slice(colon + 1) : "";
  return tag === "" && at < 0 ? "latest" : tag;
}

function defaultHttpGet(handler: Json | undefined): void {
  const get = handler === undefined ? undefined : child(handler, "httpGet");
  if (get === undefined) return;
  setIfUnset(get, "path", "/");
  setIfUnset(get, "scheme", "HTTP");
}

function defaultResources(list: Json | undefined): void {
  if (list === undefined) return;
  for (const [name, q] of Object.entries(list)) {
    if (typeof q === "string" || typeof q === "number") list[name] = canonicalQuantity(q, -3);
  }
}

function defaultContainerParts(c: Json): void {
  for (const port of objects(c["ports"])) setIfUnset(port, "protocol", "TCP");
  for (const env of objects(c["env"])) {
    const ref = child(child(env, "valueFrom") ?? {}, "fieldRef");
    if (ref !== undefined) setIfUnset(ref, "apiVersion", "v1");
  }
  const resources = child(c, "resources");
  if (resources !== undefined) {
    defaultResources(child(resources, "limits"));
    defaultResources(child(resources, "requests"));
  }
  for (const key of ["livenessProbe", "readinessProbe", "startupProbe"] satisfies (keyof Container)[]) {
    const probe = child(c, key);
    if (probe === undefined) continue;
    setIfUnset(probe, "timeoutSeconds", 1 satisfies Probe["timeoutSeconds"]);
    setIfUnset(probe, "periodSeconds", 10);
    setIfUnset(probe, "successThreshold", 1);
    setIfUnset(probe, "failureThreshold", 3);
    defaultHttpGet(probe);
  }
  const lifecycle = child(c, "lifecycle");
  if (lifecycle !== undefined) {
    defaultHttpGet(child(lifecycle, "postStart"));
    defaultHttpGet(child(lifecycle, "preStop"));
  }
}

function defaultContainer(c: Json): void {
  if (isUnset(c["imagePullPolicy"])) {
    c["imagePullPolicy"] =
      imageTag(typeof c["image"] === "string" ? c["image"] : "") === "latest" ? "Always" : "IfNotPresent";
  }
  setIfUnset(c, "terminationMessagePath", "/dev/termination-log");
  setIfUnset(c, "terminationMessagePolicy", "File");
}

// Every source a core/v1 Volume can name (VolumeSource's fields); none set means emptyDir.
const VOLUME_SOURCES = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
] as const;

function defaultFieldRefs(items: unknown): void {
  for (const item of objects(items)) {
    const ref = child(item, "fieldRef");
    if (ref !== undefined) setIfUnset(ref, "apiVersion", "v1");
  }
}

function defaultVolume(v: Json): void {
  if (VOLUME_SOURCES.every((s) => v[s] === undefined || v[s] === null)) v["emptyDir"] = {};
  const hostPath = child(v, "hostPath");
  if (hostPath !== undefined) setIfNil(hostPath, "type", "");
  for (const key of ["secret", "configMap", "downwardAPI", "projected"] satisfies (keyof Volume)[]) {
    const source = child(v, key);
    if (source !== undefined) setIfNil(source, "defaultMode", 420);
  }
  defaultFieldRefs(child(v, "downwardAPI")?.["items"]);
  for (const s of objects(child(v, "projected")?.["sources"])) {
    defaultFieldRefs(child(s, "downwardAPI")?.["items"]);
    const token = child(s, "serviceAccountToken");
    if (token !== undefined) setIfNil(token, "expirationSeconds", 3600);
  }
}

function defaultPodSpec(spec: Json): void {
  setIfUnset(spec, "dnsPolicy", "ClusterFirst" satisfies PodSpec["dnsPolicy"]);
  setIfUnset(spec, "restartPolicy", "Always");
  setIfNil(spec, "securityContext", {});
  setIfNil(spec, "terminationGracePeriodSeconds", 30);
  setIfUnset(spec, "schedulerName", "default-scheduler");
  for (const v of objects(spec["volumes"])) defaultVolume(v);
  for (const c of objects(spec["initContainers"])) {
    defaultContainer(c);
    defaultContainerParts(c);
  }
  for (const c of objects(spec["containers"])) {
    // OpenKruise pulls app containers Always when they say nothing, whatever the tag, for in-place updates.
    setIfUnset(c, "imagePullPolicy", "Always");
    defaultContainer(c);
    defaultContainerParts(c);
  }
  for (const c of objects(spec["ephemeralContainers"])) defaultContainerParts(c);
  defaultResources(child(spec, "overhead"));
}

/** A copy of `template` with OpenKruise's webhook defaults applied (see the module comment). */
export function defaultPodTemplate(template: PodTemplateSpec): PodTemplateSpec {
  const copy = cloneJson(template) as unknown as Json;
  const spec = child(copy, "spec");
  if (spec !== undefined) defaultPodSpec(spec);
  else {
    const fresh: Json = {};
    defaultPodSpec(fresh);
    copy["spec"] = fresh;
  }
  return copy;
}

/**
 * A copy of a volume claim template with the defaults OpenKruise's webhook gives it: Kubernetes'
 * SetDefaults_PersistentVolumeClaim (only `status.phase: Pending`; `volumeMode` belongs to the claim spec's own
 * defaulter, which the webhook does not call) and resource rounding.
 *
 * Guarantees: idempotent. The input is not modified.
 */
export function defaultVolumeClaimTemplate(claim: PersistentVolumeClaim): PersistentVolumeClaim {
  const copy = cloneJson(claim) as unknown as Json;
  const status = child(copy, "status") ?? {};
  setIfUnset(status, "phase", "Pending" satisfies NonNullable<PersistentVolumeClaim["status"]>["phase"]);
  copy["status"] = status;
  const resources = child(child(copy, "spec") ?? {}, "resources");
  if (resources !== undefined) {
    defaultResources(child(resources, "limits"));
    defaultResources(child(resources, "requests"));
  }
  defaultResources(child(status, "capacity"));
  return copy;
}
