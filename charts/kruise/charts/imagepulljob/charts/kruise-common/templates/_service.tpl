{{- define "kruise-common.metricsService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "kruise-common.fullname" . }}-metrics
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .Values.metrics.port | quote }}
    prometheus.io/path: /metrics
    {{- with .Values.metrics.service.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  type: ClusterIP
  selector:
    {{- include "kruise-common.selectorLabels" . | nindent 4 }}
  ports:
    - name: metrics
      port: {{ .Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
{{- end }}
