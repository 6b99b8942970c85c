{{/*
ServiceMonitor for the metrics port, when .Values.metrics.serviceMonitor.enabled and the
monitoring.coreos.com/v1 API exists. Takes (dict "ctx" . "component" "<role>"); reads .Values.metrics.
*/}}
{{- define "todo-common.servicemonitor" -}}
{{- $ctx := .ctx }}
{{- if and $ctx.Values.metrics.serviceMonitor.enabled ($ctx.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
    {{- with $ctx.Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "todo-common.selectorLabels" $ctx | nindent 6 }}
  endpoints:
    - port: metrics
      path: {{ $ctx.Values.metrics.path }}
      interval: {{ $ctx.Values.metrics.serviceMonitor.interval }}
{{- end }}
{{- end }}
