{{- define "kruise-common.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "kruise-common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "kruise-common.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      {{- include "kruise-common.selectorLabels" . | nindent 6 }}
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
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      # Long enough for a graceful shutdown: finish in-flight reconciles, release the Lease.
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      containers:
        - name: controller
          image: {{ include "kruise-common.image" . | quote }}
          imagePullPolicy: {{ include "kruise-common.imagePullPolicy" . }}
          args:
            {{- include "kruise-common.args" . | nindent 12 }}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- if include "kruise-common.natsFromUmbrella" . }}
            # This controller's address and user (natsUrl.<chart>); its password, when the umbrella's NATS has
            # users, from the umbrella's Secret <release>-nats-<chart> (kruise.nats.userSecret there).
            - name: NATS_URL
              valueFrom:
                configMapKeyRef:
                  name: {{ include "kruise-common.umbrellaEventBusConfigMap" . }}
                  key: natsUrl.{{ .Chart.Name }}
            - name: NATS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ printf "%s-nats-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
                  key: password
                  optional: true
            # The CA file to trust when the umbrella's NATS serves TLS (the nats-tls volume below), else empty.
            - name: NATS_TLS_CA
              valueFrom:
                configMapKeyRef:
                  name: {{ include "kruise-common.umbrellaEventBusConfigMap" . }}
                  key: natsTlsCa
            {{- end }}
          ports:
            - name: metrics
              containerPort: {{ .Values.metrics.port }}
              protocol: TCP
            - name: health
              containerPort: {{ .Values.healthProbe.port }}
              protocol: TCP
          # Liveness starts once /healthz first answers: a controller on a busy node may take longer to start than
          # a liveness budget allows, and killing it then only makes the start slower.
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
            # Scratch space (os.tmpdir()) while the root file system stays read-only.
            - name: tmp
              mountPath: /tmp
            {{- if include "kruise-common.natsFromUmbrella" . }}
            - name: nats-tls
              mountPath: {{ include "kruise-common.natsTlsDir" . }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- if include "kruise-common.natsFromUmbrella" . }}
        # Only ca.crt of the umbrella's NATS TLS Secret (<release>-nats-tls, kruise.nats.tlsSecret there; never the
        # server's key), absent without TLS.
        - name: nats-tls
          secret:
            secretName: {{ printf "%s-nats-tls" .Release.Name | trunc 63 | trimSuffix "-" }}
            optional: true
            items:
              - key: ca.crt
                path: ca.crt
        {{- end }}
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
