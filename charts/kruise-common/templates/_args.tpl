{{/*
The controller's command line, with the flag names of @kruise/sdk's parseControllerFlags. --leader-elect
defaults to true there, so turning it off must be said: --leader-elect=false.
*/}}
{{- define "kruise-common.args" -}}
- --metrics-bind-address=:{{ .Values.metrics.port }}
{{- /* Every interface, so behind authentication: a scrape needs a token allowed `get /metrics` (controller-runtime's secure metrics). */}}
- --metrics-auth
- --health-probe-bind-address=:{{ .Values.healthProbe.port }}
{{- if .Values.leaderElection.enabled }}
- --leader-elect
- --leader-election-namespace={{ .Release.Namespace }}
{{- else }}
- --leader-elect=false
{{- end }}
- --log-level={{ include "kruise-common.logLevel" . }}
{{- if include "kruise-common.natsFromUmbrella" . }}
- --nats-url=$(NATS_URL)
- --nats-tls-ca=$(NATS_TLS_CA)
{{- else if .Values.natsUrl }}
- --nats-url={{ .Values.natsUrl }}
{{- end }}
{{- with .Values.featureGates }}
{{- if kindIs "string" . }}
{{- /* OpenKruise's form, "A=true,B=false" (values.schema.json checks its shape). */}}
- --feature-gates={{ . }}
{{- else }}
{{- $pairs := list }}
{{- range $gate, $on := . }}
{{- if not (kindIs "bool" $on) }}
{{- fail (printf "featureGates.%s must be true or false, got %v" $gate $on) }}
{{- end }}
{{- $pairs = append $pairs (printf "%s=%t" $gate $on) }}
{{- end }}
- --feature-gates={{ join "," $pairs }}
{{- end }}
{{- end }}
{{- with .Values.webhook }}
{{- /* Controllers that serve admission webhooks (values `webhook.serviceName`, `webhook.port`). */}}
- --webhook-service-name={{ .serviceName }}
- --webhook-bind-address=:{{ .port }}
{{- end }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}
