{{/*
NOTES.txt lines every app chart prints. Each takes the root context; indent them in NOTES.txt.
*/}}

{{/* "<chart> <tag> is deployed as <fullname> in namespace <ns> (<environment>)." */}}
{{- define "todo-common.notes.deployed" -}}
{{ .Chart.Name }} {{ include "todo-common.imageTag" . }} is deployed as {{ include "todo-common.fullname" . }} in namespace {{ .Release.Namespace }} ({{ .Values.environment }}).
{{- end }}

{{/* "Check it:" with the pods and helm test commands. */}}
{{- define "todo-common.notes.check" -}}
Check it:
  kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
  helm test {{ .Release.Name }} -n {{ .Release.Namespace }}
{{- end }}

{{/* kubectl port-forward to the Service's http port. */}}
{{- define "todo-common.notes.portForward" -}}
kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "todo-common.fullname" . }} {{ .Values.service.port }}:{{ .Values.service.port }}
{{- end }}

{{/* Where the metrics are, and whether a requested ServiceMonitor was left out. */}}
{{- define "todo-common.notes.metrics" -}}
Metrics: port {{ .Values.metrics.port }} at {{ .Values.metrics.path }}{{ if and .Values.metrics.serviceMonitor.enabled (not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) }} (ServiceMonitor requested but the monitoring.coreos.com/v1 API is missing: it was not rendered){{ end }}.
{{- end }}
