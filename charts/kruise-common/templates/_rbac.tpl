{{/*
RBAC comes from the controller's rbac.ts, which `npm run charts:generate` turns into two files of this
chart: rbac/cluster-rules.yaml (a ClusterRole: the controller works in every namespace) and
rbac/namespace-rules.yaml (a Role in the release namespace: the leader Lease lives only there, so the
controller gets no Lease rights anywhere else). An app whose rbac.ts exports rbacNamespacedRules also gets
rbac/namespaced-rules.yaml: a Role and RoleBinding in each namespace it names (the umbrella creates those
namespaces; a chart installed alone expects them to exist).
*/}}

{{- define "kruise-common.rulesFile" -}}
{{- $file := .root.Files.Get .path }}
{{- if not $file }}
{{- fail (printf "%s/%s is missing: run `npm run charts:generate` in the Kruise-TS repository" .root.Chart.Name .path) }}
{{- end }}
{{- toYaml (default list (fromYamlArray $file)) }}
{{- end }}

{{- define "kruise-common.clusterRole" -}}
{{- $rules := fromYamlArray (include "kruise-common.rulesFile" (dict "root" . "path" "rbac/cluster-rules.yaml")) }}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "kruise-common.fullname" . }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
rules:
  {{- toYaml $rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "kruise-common.fullname" . }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "kruise-common.fullname" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "kruise-common.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
---
{{- /* --metrics-auth checks each scrape's token with TokenReview and SubjectAccessReview: the built-in delegator role. */}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ printf "%s-auth-delegator" (include "kruise-common.fullname" .) | trunc 63 | trimSuffix "-" }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
  - kind: ServiceAccount
    name: {{ include "kruise-common.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}

{{- define "kruise-common.namespaceRole" -}}
{{- $rules := fromYamlArray (include "kruise-common.rulesFile" (dict "root" . "path" "rbac/namespace-rules.yaml")) }}
{{- if $rules }}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "kruise-common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
rules:
  {{- toYaml $rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "kruise-common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "kruise-common.fullname" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "kruise-common.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}
{{- include "kruise-common.namespacedRoles" . }}
{{- end }}

{{- define "kruise-common.namespacedRoles" -}}
{{- $file := .Files.Get "rbac/namespaced-rules.yaml" }}
{{- $root := . }}
{{- range $entry := (default list (fromYamlArray (default "[]" $file))) }}
{{- $name := include "kruise-common.fullname" $root }}
{{- if eq $entry.namespace $root.Release.Namespace }}
{{- $name = printf "%s-namespaced" $name | trunc 63 | trimSuffix "-" }}
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $name }}
  namespace: {{ $entry.namespace }}
  labels:
    {{- include "kruise-common.labels" $root | nindent 4 }}
rules:
  {{- toYaml $entry.rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $name }}
  namespace: {{ $entry.namespace }}
  labels:
    {{- include "kruise-common.labels" $root | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ include "kruise-common.serviceAccountName" $root }}
    namespace: {{ $root.Release.Namespace }}
{{- end }}
{{- end }}
