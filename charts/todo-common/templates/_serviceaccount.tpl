{{/*
ServiceAccount (no token mounted), when .Values.serviceAccount.create.
Takes (dict "ctx" . "component" "<role>"); reads .Values.serviceAccount.
*/}}
{{- define "todo-common.serviceaccount" -}}
{{- $ctx := .ctx }}
{{- if $ctx.Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "todo-common.serviceAccountName" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
  {{- with $ctx.Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end }}
