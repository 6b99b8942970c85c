{{/*
helm test hook, when .Values.tests.enabled: a pod from the chart's own image (it carries node)
fetches http://<fullname>:<service.port><probes.readiness.path> and fails unless it answers 2xx.
Takes a dict:
  ctx    the calling chart's root context (required)
  role   what is tested, in the comments: API, UI (required)
  about  the comment after "# helm test: " (required)
Reads .Values: tests.enabled, serviceAccount.name, podSecurityContext, securityContext, image,
service.port, probes.readiness.path.
*/}}
{{- define "todo-common.testReadyz" -}}
{{- $ctx := .ctx }}
{{- $values := $ctx.Values }}
{{- if $values.tests.enabled }}
# helm test: {{ .about }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "todo-common.fullname" $ctx }}-test-readyz
  labels:
    app.kubernetes.io/name: {{ include "todo-common.name" $ctx }}
    app.kubernetes.io/instance: {{ $ctx.Release.Name }}
    app.kubernetes.io/component: helm-test
    app.kubernetes.io/part-of: todo
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "todo-common.serviceAccountName" $ctx }}
  automountServiceAccountToken: false
  securityContext:
    {{- toYaml $values.podSecurityContext | nindent 4 }}
  containers:
    - name: readyz
      # The {{ .role }} image itself carries node, so no third-party image is pulled.
      image: {{ include "todo-common.image" $ctx | quote }}
      imagePullPolicy: {{ $values.image.pullPolicy }}
      command:
        - node
        - -e
        - >-
          fetch('http://{{ include "todo-common.fullname" $ctx }}:{{ $values.service.port }}{{ $values.probes.readiness.path }}')
          .then((r) => { console.log(r.status); process.exit(r.ok ? 0 : 1); })
          .catch((e) => { console.error(e.message); process.exit(1); })
      securityContext:
        {{- toYaml $values.securityContext | nindent 8 }}
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
        limits:
          cpu: 100m
          memory: 128Mi
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
{{- end }}
{{- end }}
