{{/* Off by default: with one replica a PodDisruptionBudget would block node drains. */}}
{{- define "kruise-common.podDisruptionBudget" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "kruise-common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
spec:
  {{- if .Values.podDisruptionBudget.maxUnavailable }}
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .Values.podDisruptionBudget.minAvailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "kruise-common.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
