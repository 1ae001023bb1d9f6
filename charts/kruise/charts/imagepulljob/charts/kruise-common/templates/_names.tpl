{{/*
Names and labels. A controller chart installed on its own is named after its release; inside the umbrella
every object is prefixed with the release name, so two releases never share a cluster-scoped name.
*/}}

{{- define "kruise-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kruise-common.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "kruise-common.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kruise-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kruise-common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kruise-common.labels" -}}
{{ include "kruise-common.selectorLabels" . }}
app.kubernetes.io/component: {{ include "kruise-common.name" . }}-controller
app.kubernetes.io/part-of: kruise-ts
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kruise-common.serviceAccountName" -}}
{{- default (include "kruise-common.fullname" .) .Values.serviceAccount.name }}
{{- end }}
