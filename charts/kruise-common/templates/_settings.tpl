{{/*
Settings a controller chart can take from its own values or, inside the umbrella, from .Values.global.
The controller's own value wins, then the global one, then the built-in default, so an umbrella can set a
fleet-wide default and still override one controller.
*/}}

{{- define "kruise-common.global" -}}
{{- toYaml (default dict .Values.global) }}
{{- end }}

{{- define "kruise-common.image" -}}
{{- $global := fromYaml (include "kruise-common.global" .) }}
{{- $globalImage := default dict $global.image }}
{{- $tag := .Values.image.tag | default $globalImage.tag | default .Chart.AppVersion }}
{{- printf "%s:%s" .Values.image.repository (toString $tag) }}
{{- end }}

{{- define "kruise-common.imagePullPolicy" -}}
{{- $global := fromYaml (include "kruise-common.global" .) }}
{{- $globalImage := default dict $global.image }}
{{- .Values.image.pullPolicy | default $globalImage.pullPolicy | default "IfNotPresent" }}
{{- end }}

{{- define "kruise-common.logLevel" -}}
{{- $global := fromYaml (include "kruise-common.global" .) }}
{{- $level := .Values.logLevel | default $global.logLevel | default "info" }}
{{- if not (has $level (list "trace" "debug" "info" "warn" "error")) }}
{{- fail (printf "logLevel %q is not one of trace, debug, info, warn, error" $level) }}
{{- end }}
{{- $level }}
{{- end }}

{{- define "kruise-common.imagePullSecrets" -}}
{{- $global := fromYaml (include "kruise-common.global" .) }}
{{- $secrets := concat (default list .Values.imagePullSecrets) (default list $global.imagePullSecrets) | uniq }}
{{- if $secrets -}}
imagePullSecrets:
{{- range $secrets }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The umbrella owns the NATS address (bundled server or an external one) and publishes it in one ConfigMap;
a controller chart inside the umbrella reads it from there unless its own natsUrl is set. Helm gives a
subchart no view of its parent's values, so this is how `nats.enabled` in the umbrella reaches every
controller without a second switch.
*/}}
{{- define "kruise-common.natsFromUmbrella" -}}
{{- $global := fromYaml (include "kruise-common.global" .) }}
{{- if and (not .Values.natsUrl) $global.natsUrlFromUmbrella }}true{{ end }}
{{- end }}

{{- define "kruise-common.umbrellaEventBusConfigMap" -}}
{{- printf "%s-kruise-eventbus" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Where a controller in the umbrella mounts the umbrella NATS's CA (ca.crt). The umbrella's ConfigMap names the file
(natsTlsCa, from kruise.nats.tlsCaFile there): keep the two in step.
*/}}
{{- define "kruise-common.natsTlsDir" -}}
/etc/kruise/nats-tls
{{- end }}
