// The umbrella's template for the namespaces the apps' namespaced rules name (kruise-daemon-config): a Role needs
// its namespace, and two subcharts naming the same one cannot both create it, so the umbrella does, once.
import { GENERATED_HEADER } from "./planned-file.ts";

/**
 * Each namespace is created unless it exists already and belongs to something else (another release, or made by
 * hand): then it is used as it is. A namespace this release made stays in its manifest on upgrade, so an upgrade
 * never deletes it; `helm uninstall` does, with the Secrets copied into it.
 */
export function ruleNamespacesTemplate(namespaces: readonly string[]): string {
  const header = GENERATED_HEADER("the apps' rbacNamespacedRules exports (scripts/charts/rule-namespaces.ts)")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^# ?/, ""))
    .join(" ");
  if (namespaces.length === 0) return `{{- /* ${header} No app names a namespace. */}}\n`;
  return `{{- /* ${header} */}}
{{- range $namespace := list ${namespaces.map((n) => JSON.stringify(n)).join(" ")} }}
{{- $existing := lookup "v1" "Namespace" "" $namespace }}
{{- $annotations := dig "metadata" "annotations" dict $existing }}
{{- $ours := and (eq (get $annotations "meta.helm.sh/release-name") $.Release.Name) (eq (get $annotations "meta.helm.sh/release-namespace") $.Release.Namespace) }}
{{- if or (not $existing) $ours }}
---
apiVersion: v1
kind: Namespace
metadata:
  name: {{ $namespace }}
  labels:
    app.kubernetes.io/instance: {{ $.Release.Name }}
    app.kubernetes.io/part-of: kruise-ts
    app.kubernetes.io/managed-by: {{ $.Release.Service }}
{{- end }}
{{- end }}
`;
}
