{{/*
Deployment of one container with http and metrics ports, the ConfigMap as environment, the
keys of the existing Secret as variables, startup/liveness/readiness probes and a read-only
root filesystem. Takes a dict:
  ctx        the calling chart's root context (required)
  component  app.kubernetes.io/component (required)
  container  the container's name (required)
  writable   extra writable emptyDirs besides /tmp: a list of
             (dict "name" <volume> "mountPath" <path> "sizeLimit" <quantity> "what" <for the comment>)
Reads .Values: image, imagePullSecrets, replicaCount, autoscaling, serviceAccount, podAnnotations,
podLabels, podSecurityContext, securityContext, containerPort, metrics, existingSecret, secretKeys,
probes, resources, nodeSelector, affinity, tolerations.
*/}}
{{- define "todo-common.deployment" -}}
{{- $ctx := .ctx }}
{{- $values := $ctx.Values }}
{{- $paths := list "/tmp" }}
{{- range .writable }}{{ $paths = append $paths .what }}{{ end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  replicas: {{ include "todo-common.replicas" $ctx }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "todo-common.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      annotations:
        # Config changes roll the pods (immutable infrastructure).
        checksum/config: {{ include (print $ctx.Template.BasePath "/configmap.yaml") $ctx | sha256sum }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $values.metrics.port | quote }}
        prometheus.io/path: {{ $values.metrics.path | quote }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "todo-common.labels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "todo-common.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .container }}
          image: {{ include "todo-common.image" $ctx | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          securityContext:
            {{- toYaml $values.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $values.containerPort }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $values.metrics.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "todo-common.fullname" $ctx }}
          {{- if $values.secretKeys }}
          env:
            {{- range $name, $key := $values.secretKeys }}
            - name: {{ $name }}
              valueFrom:
                secretKeyRef:
                  name: {{ $values.existingSecret }}
                  key: {{ $key }}
            {{- end }}
          {{- end }}
          startupProbe:
            {{- include "todo-common.httpProbe" $values.probes.startup | nindent 12 }}
          livenessProbe:
            {{- include "todo-common.httpProbe" $values.probes.liveness | nindent 12 }}
          readinessProbe:
            {{- include "todo-common.httpProbe" $values.probes.readiness | nindent 12 }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- range .writable }}
            - name: {{ .name }}
              mountPath: {{ .mountPath }}
            {{- end }}
      volumes:
        {{- if eq (len $paths) 1 }}
        # The root filesystem is read-only; /tmp is the only writable path.
        {{- else }}
        # The root filesystem is read-only; {{ initial $paths | join ", " }} and {{ last $paths }} are the writable paths.
        {{- end }}
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- range .writable }}
        - name: {{ .name }}
          emptyDir:
            sizeLimit: {{ .sizeLimit }}
        {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/* One HTTP probe on the http port. Takes a .Values.probes.<kind> map: path, periodSeconds, failureThreshold, timeoutSeconds. */}}
{{- define "todo-common.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: http
periodSeconds: {{ .periodSeconds }}
failureThreshold: {{ .failureThreshold }}
timeoutSeconds: {{ .timeoutSeconds }}
{{- end }}
