{{- define "kruise.labels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: kruise-ts
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "kruise.nats.name" -}}
{{- printf "%s-nats" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kruise.nats.selectorLabels" -}}
app.kubernetes.io/name: nats
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kruise.nats.labels" -}}
{{ include "kruise.labels" . }}
app.kubernetes.io/name: nats
{{- end }}

{{/* The NATS address every controller gets: the bundled server, an external one, or none. */}}
{{- define "kruise.nats.url" -}}
{{- if and .Values.nats.enabled .Values.nats.url }}
{{- fail "nats.enabled (bundled server) and nats.url (external server) are both set: choose one" }}
{{- else if .Values.nats.enabled }}
{{- printf "nats://%s.%s.svc:4222" (include "kruise.nats.name" .) .Release.Namespace }}
{{- else }}
{{- .Values.nats.url }}
{{- end }}
{{- end }}
