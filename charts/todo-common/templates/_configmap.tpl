{{/*
ConfigMap of .Values.config (loaded with envFrom). Takes (dict "ctx" . "component" "<role>").
The Deployment's checksum/config hashes the rendered templates/configmap.yaml of the calling chart.
*/}}
{{- define "todo-common.configmap" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
data:
  {{- range $key, $value := $ctx.Values.config }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end }}
