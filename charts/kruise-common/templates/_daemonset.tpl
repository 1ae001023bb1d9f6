{{/*
A node agent (an app with "perNode": true): one pod per node. It reaches the node's container runtime through the
runtime's CRI socket, whose directory is mounted from the host, and serves the node the pod runs on (NODE_NAME).
*/}}
{{- define "kruise-common.agentArgs" -}}
- --node-name=$(NODE_NAME)
- --cri-endpoint=unix://{{ include "kruise-common.criSocketMount" . }}/{{ base .Values.criSocket }}
- --metrics-bind-address=:{{ .Values.metrics.port }}
{{- /* Every interface, so behind authentication: a scrape needs a token allowed `get /metrics`. */}}
- --metrics-auth
- --health-probe-bind-address=:{{ .Values.healthProbe.port }}
- --log-level={{ include "kruise-common.logLevel" . }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{- /* Where the socket's host directory appears in the container. */}}
{{- define "kruise-common.criSocketMount" -}}
/host/cri
{{- end }}

{{- define "kruise-common.daemonSet" -}}
{{- if not (isAbs .Values.criSocket) }}
{{- fail (printf "criSocket must be an absolute path on the node, got %q" .Values.criSocket) }}
{{- end }}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ include "kruise-common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "kruise-common.selectorLabels" . | nindent 6 }}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: {{ .Values.maxUnavailable }}
  template:
    metadata:
      labels:
        {{- include "kruise-common.labels" . | nindent 8 }}
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "kruise-common.serviceAccountName" . }}
      {{- with include "kruise-common.imagePullSecrets" . }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        # The runtime's socket is root's (mode 0660): the agent connects as root, holding no capability at all.
        runAsNonRoot: false
        runAsUser: 0
        runAsGroup: 0
        seccompProfile:
          type: RuntimeDefault
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      containers:
        - name: agent
          image: {{ include "kruise-common.image" . | quote }}
          imagePullPolicy: {{ include "kruise-common.imagePullPolicy" . }}
          args:
            {{- include "kruise-common.agentArgs" . | nindent 12 }}
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
          ports:
            - name: metrics
              containerPort: {{ .Values.metrics.port }}
              protocol: TCP
            - name: health
              containerPort: {{ .Values.healthProbe.port }}
              protocol: TCP
          startupProbe:
            httpGet:
              path: /healthz
              port: health
            periodSeconds: 2
            failureThreshold: 90
          livenessProbe:
            httpGet:
              path: /healthz
              port: health
            periodSeconds: 10
          readinessProbe:
            httpGet:
              path: /readyz
              port: health
            periodSeconds: 5
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: cri-socket
              mountPath: {{ include "kruise-common.criSocketMount" . }}
      volumes:
        - name: tmp
          emptyDir: {}
        # The socket's directory, not the socket: a runtime restart makes a new socket file, which a mount of the
        # old file would not show.
        - name: cri-socket
          hostPath:
            path: {{ dir .Values.criSocket }}
            type: Directory
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
