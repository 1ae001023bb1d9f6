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
{{- printf "%s://%s.%s.svc:4222" (include "kruise.nats.scheme" .) (include "kruise.nats.name" .) .Release.Namespace }}
{{- else }}
{{- .Values.nats.url }}
{{- end }}
{{- end }}

{{/*
The Secret holding one controller's NATS password (key `password`). kruise-common's deployment names the same
Secret, from the release and its own chart name: keep the two in step.
*/}}
{{- define "kruise.nats.userSecret" -}}
{{- printf "%s-nats-%s" .root.Release.Name .user | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Whether the bundled server lets in only the controllers' own users. */}}
{{- define "kruise.nats.auth" -}}
{{- if and .Values.nats.enabled .Values.nats.auth.enabled }}true{{ end }}
{{- end }}

{{/* The address one controller connects to: with auth, as its own user (its password comes from its Secret). */}}
{{- define "kruise.nats.urlFor" -}}
{{- $url := include "kruise.nats.url" .root }}
{{- $users := (.root.Files.Get "files/nats/users.yaml" | fromYaml).users }}
{{- if not (include "kruise.nats.auth" .root) }}
{{- $url }}
{{- else if hasKey $users .name }}
{{- printf "%s://%s@%s.%s.svc:4222" (include "kruise.nats.scheme" .root) .name (include "kruise.nats.name" .root) .root.Release.Namespace }}
{{- end }}
{{- end }}

{{/* Whether the bundled server serves TLS (nats.tls.enabled, on by default): its clients then connect with tls://. */}}
{{- define "kruise.nats.tls" -}}
{{- if and .Values.nats.enabled .Values.nats.tls.enabled }}true{{ end }}
{{- end }}

{{- define "kruise.nats.scheme" -}}
{{- if include "kruise.nats.tls" . }}tls{{ else }}nats{{ end }}
{{- end }}

{{/*
The bundled server's TLS Secret (ca.crt, tls.crt, tls.key): made by the chart (nats.tls.generate) or brought by the
user under this name. kruise-common's deployment mounts its ca.crt under the same name: keep the two in step.
*/}}
{{- define "kruise.nats.tlsSecret" -}}
{{- printf "%s-nats-tls" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Where kruise-common's deployment mounts that ca.crt (kruise-common.natsTlsDir there): what the controllers pass as
--nats-tls-ca. Keep the two in step.
*/}}
{{- define "kruise.nats.tlsCaFile" -}}
{{- if include "kruise.nats.tls" . }}/etc/kruise/nats-tls/ca.crt{{ end }}
{{- end }}
